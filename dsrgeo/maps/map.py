"""``dsrgeo.Map``: compose cited layers into one self-contained, safe, reproducible Leaflet page."""

import base64
import functools
import html
import json
import zlib
from pathlib import Path

from dsrgeo import catalog, checks, export, geojson
from dsrgeo.errors import ParameterError
from dsrgeo.fileio import atomic_write
from dsrgeo.geodesy import recentre
from dsrgeo.maps.coverage import COVERAGE_PALETTE, png_data_uri
from dsrgeo.maps.ids import assign_ids, content_seed
from dsrgeo.maps.layer import (
    AddOptions,
    MapLayer,
    _credit_parts,
    _frame_provenance,
    coverage_frame,
    resolve_layer,
)
from dsrgeo.maps.legend import (
    HtmlControl,
    layer_table_html,
    legend_html,
    legend_words,
    sources_html,
)
from dsrgeo.maps.safe import script_json
from dsrgeo.maps.vector import vector_spec
from dsrgeo.styles import validate_palette

__all__ = [
    "COMPRESS_MIN_CHARS",
    "DEFAULT_BOUNDS",
    "DEFAULT_LAYERS",
    "DEFAULT_SHOWN",
    "DEFAULT_TITLE",
    "FRAGMENT_HEIGHT",
    "OPTIONAL_LAYERS",
    "SCENARIO_CLASSES",
    "SCENARIO_POPUP",
    "Map",
]

#: The layers of the default map (``Map.default()``, ``dsrgeo map`` with no layers), in the
#: order they are added; :data:`DEFAULT_SHOWN` are on when the page opens.
DEFAULT_LAYERS = (
    "bri_countries",
    "cables",
    "hmn_cables",
    "landing_points",
    "safe_cities",
    "beidou_capitals",
)
#: The layers of the default map shown when it opens (the rest are one click away)
DEFAULT_SHOWN = ("bri_countries", "cables", "hmn_cables")
#: Layers the default map offers switched off, one click away in the layer control: the US
#: answer (Clean Network, Huawei 5G restrictions) and the Chinese cloud regions.
OPTIONAL_LAYERS = ("clean_network", "huawei_5g", "cloud_regions")
#: Where the default map opens on a tall (phone) screen, degrees: Africa, Europe and Asia
DEFAULT_FOCUS_LON, DEFAULT_FOCUS_LAT = 60.0, 18.0
#: The default map's title
DEFAULT_TITLE = "The Digital Silk Road: Belt and Road countries and HMN Tech submarine cables"

#: (west, south, east, north) degrees shown when nothing else is asked for: the inhabited world
DEFAULT_BOUNDS = (-170.0, -56.0, 180.0, 75.0)
#: CSS height of a map embedded with ``to_html(fragment=True)`` or shown in a notebook
FRAGMENT_HEIGHT = "560px"
PANE_BASE_Z = 400  # Leaflet's overlayPane; basemap below it, points above lines above polygons
BASEMAP_ID = "land"
#: Page data parts (a layer, the shared geometry) longer than this travel deflate-compressed
#: (base64 in the page, opened by the browser's DecompressionStream)
COMPRESS_MIN_CHARS = 150_000


class Map:
    """An interactive map of dsrgeo layers that saves as one HTML file working offline.

    Parameters
    ----------
    title : str, optional
        Shown at the top of the map and as the page title (escaped).
    tiles : str, optional
        A web tile layer offered besides the offline ``land`` basemap, by xyzservices name
        (e.g. ``"OpenStreetMap"``, ``"OpenTopoMap"``). It is the visible base layer when
        given; the page still works offline (switch to "Land" in the layer control).
    time_slider : bool
        Add a year slider (2000 to the data's last year) stepping BRI joins/exits and cable
        ready-for-service years.
    center_lon : float
        The map's central meridian, degrees east (-180 to 180). ``150`` gives a Pacific view
        in which trans-Pacific cables are whole lines and countries split at ±180° (Russia,
        Fiji) are whole again (:func:`dsrgeo.geodesy.recentre`); the static exports follow.
        The map wraps: panning east or west shows the world again.

    Attributes
    ----------
    layers : list of MapLayer
        What was added, in drawing order, basemap first: one
        :class:`dsrgeo.maps.layer.MapLayer` per layer with ``name``, ``kind`` ("line", "point",
        "polygon" or "coverage"), ``role`` ("basemap" or "overlay"), ``gdf`` (EPSG:4326,
        ``as_of`` applied, only drawable rows, drawing order), ``colors`` (``#rrggbb`` per row),
        ``styles`` (Leaflet path options per row: ``color``, ``fillColor``, ``weight``,
        ``opacity``, ``fillOpacity``, ``radius``), ``legend`` (a
        :class:`dsrgeo.styles.Legend`: title, kind "single"/"categorical"/"continuous",
        ``entries`` (label, colour), ``stops`` (value, colour)), ``citation`` and
        ``attribution`` (plain text), ``show``, ``tooltip``/``popup`` columns, ``labels``,
        ``feature_count`` (input rows incl. those without geometry), ``order`` and, for
        coverage layers, ``image`` (PNG bytes, (south, west, north, east)). Static exports
        (``to_png``...) draw from this record, so they use the same colours as the page.

    Notes
    -----
    The page inlines Leaflet 1.9.4 (vendored from npm, see ``dsrgeo/maps/vendor/VENDOR.md``) and
    makes no network request unless ``tiles`` is given. Layers are drawn on canvas; geometry
    that several layers share (the country polygons of the basemap and the policy layers) is
    stored once, and large data parts are deflate-compressed (opened by the browser's
    ``DecompressionStream``: Chrome 80, Firefox 113, Safari 16.4 and later). Every string from data is html-escaped
    in Python before it reaches a tooltip, popup, legend, layer name or title; raw HTML enters
    only through ``add(..., popup_html=column)``. Element ids derive from the content, so the
    same inputs give byte-identical HTML. Coordinates are rounded to 5 decimals and only the
    columns a tooltip or popup shows are written.

    Examples
    --------
    >>> import dsrgeo
    >>> m = dsrgeo.Map(title="HMN Tech cables").add("bri_countries").add("hmn_cables")
    >>> [(layer.layer_id, layer.role) for layer in m.layers]
    [('land', 'basemap'), ('bri_countries', 'overlay'), ('hmn_cables', 'overlay')]
    >>> page = dsrgeo.Map(title="HMN").add("hmn_cables").to_html()
    >>> page == dsrgeo.Map(title="HMN").add("hmn_cables").to_html()  # byte-identical
    True
    >>> "cdn." in page or "unpkg" in page
    False
    """

    @classmethod
    def default(cls, *, as_of=None, title=None, tiles=None, time_slider=False, center_lon=0.0):
        """Return the default map: BRI status and the cables on, the rest one click away.

        The layers of :data:`DEFAULT_LAYERS` are added in that order with their catalog
        styles: BRI status by country, every submarine cable and the HMN Tech cables on top
        are shown when the page opens; landing points, Safe City projects and the BeiDou
        capitals are in the layer control, switched off, as are :data:`OPTIONAL_LAYERS`
        (Clean Network, Huawei 5G restrictions, Chinese cloud regions).

        Parameters
        ----------
        as_of : int, optional
            The world at the end of this year, for the layers that have years (BRI status,
            cables in service); layers without time are drawn as they are.
        title : str, optional
            Default :data:`DEFAULT_TITLE` (plus the year with ``as_of``).
        tiles, time_slider, center_lon
            As for :class:`Map`.

        Returns
        -------
        Map

        Examples
        --------
        >>> the_map = Map.default()
        >>> the_map.title == DEFAULT_TITLE
        True
        >>> [layer.layer_id for layer in the_map.layers if layer.show]
        ['land', 'bri_countries', 'cables', 'hmn_cables']
        """
        if title is None:
            title = DEFAULT_TITLE + ("" if as_of is None else f", end of {int(as_of)}")
        the_map = cls(title=title, tiles=tiles, time_slider=time_slider, center_lon=center_lon)
        for layer_id in DEFAULT_LAYERS:
            the_map.add(layer_id, as_of=as_of, show=layer_id in DEFAULT_SHOWN)
        for layer_id in OPTIONAL_LAYERS:
            the_map.add(layer_id, as_of=as_of, show=False)
        # on a phone, open on the Digital Silk Road's own world: Africa, Europe and Asia
        west = the_map.center_lon - 180
        the_map._focus = ((DEFAULT_FOCUS_LON - west) % 360 + west, DEFAULT_FOCUS_LAT)
        return the_map

    def __init__(self, *, title=None, tiles=None, time_slider=False, center_lon=0.0):
        self.title = checks.text(title, "title")
        self.center_lon = float(checks.number(center_lon, "center_lon", low=-180, high=180))
        if tiles is not None:
            checks.text(tiles, "tiles", max_chars=100)
            _tile_layer(tiles)  # fail now, not at save time
        self.tiles = tiles
        self.time_slider = checks.boolean(time_slider, "time_slider")
        self._overlays = []
        self._bodies = []  # page data of each overlay, computed when first rendered
        self._basemap = None
        self._bounds = None
        self._recentred = {}
        self._focus = None  # (lon, lat) a tall (phone) map opens on; None: the bounds' centre

    def __repr__(self):
        names = ", ".join(repr(layer.name) for layer in self._overlays)
        centre = f", center_lon={self.center_lon:g}" if self.center_lon else ""
        return f"Map(title={self.title!r}{centre}, layers=[{names}])"

    # -- building --------------------------------------------------------------------------

    @property
    def layers(self):
        """The layers in drawing order, basemap first (a new list; see the class docstring)."""
        basemap = self._get_basemap()
        return ([basemap] if basemap is not None else []) + sorted(
            self._overlays, key=lambda layer: layer.order
        )

    def _get_basemap(self):
        if self._basemap is None and BASEMAP_ID in catalog.layer_ids():
            self._basemap = _basemap_copy()
        return self._basemap

    def add(
        self,
        layer,
        *,
        color=None,
        color_by=None,
        tooltip=None,
        popup=None,
        popup_html=None,
        highlight=None,
        name=None,
        show=None,
        as_of=None,
        categories=None,
        palette=None,
        legend_title=None,
        style=None,
    ):
        """Add a layer and return the map (so calls chain).

        Every option left at None takes the catalog's default for that layer.

        Parameters
        ----------
        layer : str, os.PathLike or geopandas.GeoDataFrame
            A catalog id (see :func:`dsrgeo.layers`), the path of a GeoJSON file, or a
            GeoDataFrame (any CRS; reprojected to EPSG:4326). User geometry crossing the
            antimeridian is split there.
        color : str, optional
            One colour for every feature (``#rrggbb`` or a CSS name); drops the catalog's
            ``color_by``.
        color_by : str, optional
            Column to colour by: numeric -> continuous ramp, otherwise categories; a legend
            says which is which.
        tooltip, popup : str or list of str, optional
            Columns shown on hover / click (values html-escaped). ``[]`` shows none; the
            default is the catalog's fields (or the ``name`` column of user data).
        popup_html : str, optional
            A column holding raw, trusted HTML for the popup (not escaped: the only way raw
            HTML enters the page).
        highlight : str or list of str, optional
            Feature id(s) or name(s) to draw thick and on top, e.g. ``"PEACE Cable"``.
        name : str, optional
            Name in the layer control and legend.
        show : bool, optional
            Whether the layer is on when the page opens (landing points are off by default).
        as_of : int, optional
            A year: the world at the end of that year, as :func:`dsrgeo.load` gives it, for a
            catalog id or a frame from ``dsrgeo.load`` (its ``attrs["id"]``); other inputs
            have no years and raise.
        categories : dict, optional
            ``{value: colour}`` for a categorical ``color_by``.
        palette : str or list of str, optional
            A matplotlib colormap name or ramp colours (numeric ``color_by``), or category
            colours.
        legend_title : str, optional
            Title of the layer's legend (default: the catalog's meaning of a ``color_by``
            column given here, else the catalog's legend title, else the layer name).
        style : dict, optional
            Leaflet path options (``weight``, ``opacity``, ``fillOpacity``, ``radius``...).

        Returns
        -------
        Map

        Raises
        ------
        LayerNotFoundError
            If ``layer`` is neither a catalog id nor an existing file.
        InvalidLayerError
            If the file is not strict GeoJSON, has a coordinate that is not lon/lat degrees,
            or nothing to draw (the message names file, feature and field).
        ParameterError
            If an option is not allowed: a column that does not exist, a malformed colour or
            style, or ``highlight`` matching nothing (close names are suggested).
        AsOfOutOfRangeError
            If ``as_of`` is outside the layer's years.

        Examples
        --------
        >>> import dsrgeo
        >>> m = dsrgeo.Map().add("cables", highlight="PEACE Cable", tooltip=["name", "rfs_year"])
        >>> cables = m.layers[-1]
        >>> cables.colors[-1], cables.gdf["name"].iloc[-1]
        ('#ff00cc', 'PEACE Cable')
        """
        options = AddOptions(
            color=color,
            color_by=color_by,
            tooltip=tooltip,
            popup=popup,
            popup_html=popup_html,
            highlight=highlight,
            name=name,
            show=show,
            as_of=as_of,
            categories=categories,
            palette=palette,
            legend_title=legend_title,
            style=style,
        )
        resolved = resolve_layer(
            layer, options, default_order=len(self._overlays), time_slider=self.time_slider
        )
        self._overlays.append(resolved)
        self._bodies.append(None)
        return self

    def add_coverage(
        self,
        grid,
        system="bds",
        *,
        metric="max",
        name=None,
        show=True,
        opacity=0.65,
        palette=None,
        value_range=None,
    ):
        """Add a lat/lon grid of satellite visibility as a coloured overlay with a legend.

        Parameters
        ----------
        grid : pandas.DataFrame
            From :func:`dsrgeo.gnss.coverage_grid`: ``lat``, ``lon`` (degrees, regular grid)
            and columns such as ``bds_max``, ``bds_mean``, ``gps_max``.
        system : {"bds", "gps", "gal", "glo"} or str
            Constellation prefix; any column prefix works.
        metric : str
            Column suffix: ``"max"``, ``"mean"``, ``"min"``, ``"pdop_mean"``..., or a full
            column name given as ``system`` with ``metric=None``.
        name : str, optional
            Layer name (default: the column in words, e.g. "BeiDou satellites in view, daily
            maximum (10° mask)").
        show : bool
            Whether the overlay is on when the page opens.
        opacity : float
            Opacity of the cells, 0..1.
        palette : str or list of str, optional
            A matplotlib colormap name (``"viridis"``) or ramp colours (default: light to
            dark green).
        value_range : (float, float), optional
            Ends of the ramp, two finite numbers, low first; the grid's min and max by
            default.

        Returns
        -------
        Map

        Raises
        ------
        ParameterError
            If ``grid`` is not a table with ``lat``, ``lon`` and the column, is not a full
            regular grid (evenly spaced latitudes x longitudes, a row for at least 90% of the
            cells, at most 2,000,000 cells), or an option is not allowed.

        Examples
        --------
        >>> import pandas as pd
        >>> rows = [(lat, lon, 8 + (lat > 0)) for lat in range(-80, 81, 20)
        ...         for lon in range(-180, 180, 20)]
        >>> grid = pd.DataFrame(rows, columns=["lat", "lon", "bds_max"])
        >>> layer = Map().add_coverage(grid, "bds").layers[-1]
        >>> layer.kind, layer.legend.kind, layer.legend.stops[0][0], layer.legend.stops[-1][0]
        ('coverage', 'continuous', 8.0, 9.0)
        """
        from dsrgeo.maps.coverage import (
            coverage_colors,
            coverage_image,
            coverage_label,
            coverage_legend,
        )

        checks.text(system, "system", allow_none=False, max_chars=100)
        checks.text(metric, "metric", max_chars=100)
        column = system if metric is None else f"{system}_{metric}"
        opacity = checks.number(opacity, "opacity", low=0, high=1)
        show = checks.boolean(show, "show")
        if value_range is not None:
            value_range = _value_range(value_range)
        palette = validate_palette(palette) or COVERAGE_PALETTE
        png, bounds, stops, (low, high) = coverage_image(
            grid, column, palette=palette, value_range=value_range, opacity=opacity
        )
        frame = coverage_frame(grid)
        colors = tuple(coverage_colors(frame[column], low, high, palette))
        label = name or coverage_label(column, grid.attrs)
        citation = (
            geojson.member_text(grid.attrs, "citation")
            or f"{label}: computed with dsrgeo.gnss from CelesTrak TLEs"
        )
        attribution = geojson.member_text(grid.attrs, "attribution")
        sources, licence = _frame_provenance(grid, None)
        self._overlays.append(
            MapLayer(
                name=str(label),
                kind="coverage",
                role="overlay",
                gdf=frame,
                colors=colors,
                styles=tuple({"fillColor": c, "fillOpacity": opacity, "weight": 0} for c in colors),
                legend=coverage_legend(str(label), stops, palette),
                citation=citation,
                attribution=attribution,
                layer_id=None,
                show=show,
                tooltip=(),
                popup=(),
                labels={},
                feature_count=len(frame),
                order=-10,
                image=(png, bounds),
                credit=_credit_parts(attribution or citation),
                sources=sources,
                licence=licence,
            )
        )
        self._bodies.append(None)
        return self

    def add_scenario(self, scenario, *, name=None, context=True):
        """Add a cable-cut scenario: countries shaded by the sea reach they lost, cuts dashed.

        Parameters
        ----------
        scenario : geopandas.GeoDataFrame
            A result of :func:`dsrgeo.network.cut` (or ``Network.cut``).
        name : str, optional
            Prefix of the layer names (default: the scenario's title, e.g. "Cut: ACE").
        context : bool
            Also draw the cables that were not cut, thin and grey.

        Returns
        -------
        Map
            With up to four overlays: the countries (:data:`SCENARIO_CLASSES`: isolated by
            sea, lost over half its sea reach, lost international cables, cables intact but
            lost the countries cut off, no change; popups with the numbers), the other cables (``context``), the cut cables (dashed) and, for a cut
            at a place, the area cut. Countries without a polygon in ``bri_countries`` are
            not drawn (they stay in the table); the cables are drawn from the shipped
            ``cables`` layer of the scenario's year. Every value is html-escaped, as in
            :meth:`add`.

        Raises
        ------
        ParameterError
            If ``scenario`` is not a result of ``cut``.

        Examples
        --------
        >>> import dsrgeo
        >>> m = dsrgeo.Map().add_scenario(dsrgeo.network.cut("ACE", as_of=2017))
        >>> [layer.name for layer in m.layers[1:]]
        ['Cut: Africa Coast to Europe (ACE): reach lost by sea', 'Cables not cut', 'Cables cut (dashed)']
        >>> m.layers[-1].styles[0]["dashArray"]
        '6 4'
        """
        countries, uncut, cut, area, title = _scenario_frames(scenario, name, context)
        self.add(
            countries,
            color_by="reach_lost",
            categories=dict(SCENARIO_CLASSES),
            tooltip=["name", "reach_lost"],
            popup=list(SCENARIO_POPUP),
            name=f"{title}: reach lost by sea",
            legend_title=f"{title}: sea reach lost",
            style={"color": "#ffffff", "weight": 0.5, "fillOpacity": 0.85},
        )
        if uncut is not None:
            self.add(
                uncut,
                color="#9aa5b1",
                tooltip=["name"],
                name="Cables not cut",
                style={"weight": 0.8, "opacity": 0.6},
            )
        if area is not None:
            self.add(
                area,
                color="#525252",
                tooltip=["name"],
                name="Area cut",
                style={"color": "#252525", "weight": 1.5, "fillOpacity": 0.15},
            )
        if len(cut):
            self.add(
                cut,
                color="#b2182b",
                tooltip=["name"],
                popup=["name", "rfs_year", "countries", "owners", "suppliers"],
                name="Cables cut (dashed)",
                style={"weight": 2.5, "opacity": 0.95, "dashArray": "6 4"},
            )
        return self

    def fit_bounds(self, bounds=None):
        """Open the map on a box, a layer, or (default) everything added, with a margin.

        The page fits the box with ``FIT_PADDING_PX`` pixels to spare on every side, so
        nothing asked for is clipped.

        Parameters
        ----------
        bounds : tuple or str, optional
            ``(west, south, east, north)`` degrees (the order of ``GeoDataFrame.total_bounds``),
            or the name / catalog id of an added layer; None fits all overlays. In a map with
            ``center_lon``, a layer's box is taken in the map's longitudes (a trans-Pacific
            cable spans the Pacific, not the world).

        Returns
        -------
        Map

        Raises
        ------
        ParameterError
            If the box is malformed or no added layer has that name.

        Examples
        --------
        >>> Map().add("hmn_cables").fit_bounds("hmn_cables")._bounds[0] < 0
        True
        >>> Map(center_lon=150).add("cables").fit_bounds("cables")._bounds[2] > 180
        True
        """
        if bounds is None or isinstance(bounds, str):
            chosen = [
                layer
                for layer in self._overlays
                if bounds is None or bounds in (layer.name, layer.layer_id)
            ]
            if not chosen:
                names = ", ".join(repr(layer.name) for layer in self._overlays) or "none"
                raise ParameterError(
                    f"{bounds!r}: no such layer on the map; added: {names}", parameter="bounds"
                )
            import numpy as np
            import shapely

            boxes = [
                shapely.total_bounds(np.asarray(self._drawn_geometries(layer), dtype=object))
                for layer in chosen
                if len(layer.gdf)
            ]
            if not boxes:
                raise ParameterError(
                    f"{bounds!r}: the layers have no geometry to fit", parameter="bounds"
                )
            boxes = np.array(boxes)
            bounds = (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max())
        try:
            west, south, east, north = (float(v) for v in bounds)
        except (TypeError, ValueError) as err:
            raise ParameterError(
                f"expected (west, south, east, north) degrees, got {bounds!r}", parameter="bounds"
            ) from err
        if not (-90 <= south <= north <= 90 and -360 <= west <= east <= 540):
            raise ParameterError(
                f"{bounds!r} is not (west, south, east, north) in degrees", parameter="bounds"
            )
        self._bounds = (west, south, east, north)
        return self

    def _drawn_geometries(self, layer):
        """The layer's geometries as this map draws them (moved into its longitudes)."""
        if layer.kind == "coverage" or not self.center_lon:
            return list(layer.gdf.geometry.values)
        key = id(layer)
        cached = self._recentred.get(key)
        if cached is None or cached[0] is not layer:
            cached = (layer, recentre(layer.gdf.geometry.values, center_lon=self.center_lon))
            self._recentred[key] = cached
        return cached[1]

    # -- output ----------------------------------------------------------------------------

    @property
    def bounds(self):
        """The (west, south, east, north) degrees the map opens on.

        Without :meth:`fit_bounds`: :data:`DEFAULT_BOUNDS`, moved to the map's
        ``center_lon``.

        Examples
        --------
        >>> Map().bounds == DEFAULT_BOUNDS
        True
        >>> Map(center_lon=150).bounds
        (-20.0, -56.0, 330.0, 75.0)
        """
        if self._bounds is not None:
            return self._bounds
        west, south, east, north = DEFAULT_BOUNDS
        return (west + self.center_lon, south, east + self.center_lon, north)

    def to_html(self, fragment=False, *, key=None):
        """Return the map as HTML: a whole page, or a ``<div>`` fragment to embed.

        Parameters
        ----------
        fragment : bool
            True returns a block (fixed height ``FRAGMENT_HEIGHT``) with its styles and scripts
            inline, for reports; fragments of different maps can share a page.
        key : str, optional
            Mixed into the element ids. Element ids derive from the content (so output is
            reproducible); to put the *same* map twice on one page, give each copy its own
            ``key``.

        Returns
        -------
        str

        Examples
        --------
        >>> m = Map().add("hmn_cables")
        >>> m.to_html(fragment=True) == m.to_html(fragment=True)
        True
        >>> m.to_html(fragment=True, key="a") == m.to_html(fragment=True, key="b")
        False
        """
        return self._render(fragment=fragment, key=key)

    def save(self, path):
        """Write the page to ``path`` atomically (temp file in the same folder, then rename).

        Parameters
        ----------
        path : str or os.PathLike
            The HTML file; an existing file is replaced only by a complete new one.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        page = self.to_html()
        return atomic_write(Path(path), page)

    def _repr_html_(self):
        """Notebook display: the whole page in a sandboxed ``<iframe srcdoc>``, offline."""
        page = html.escape(self.to_html(), quote=True)
        return (
            f'<iframe srcdoc="{page}" style="width:100%;height:{FRAGMENT_HEIGHT};border:none" '
            'sandbox="allow-scripts allow-popups" title="dsrgeo map"></iframe>'
        )

    def to_png(
        self, path, *, width_px=export.DEFAULT_WIDTH_PX, dpi=export.DEFAULT_DPI, credit="full"
    ):
        """Write a static PNG with the same colours (see :func:`dsrgeo.export.to_png`).

        Parameters
        ----------
        path : str or os.PathLike
            The PNG file.
        width_px, dpi, credit
            As for :func:`dsrgeo.export.to_png`.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        return export.to_png(self, path, width_px=width_px, dpi=dpi, credit=credit)

    def to_svg(self, path, *, width_in=export.DEFAULT_WIDTH_IN, credit="full"):
        """Write a static SVG with the same colours (see :func:`dsrgeo.export.to_svg`).

        Parameters
        ----------
        path : str or os.PathLike
            The SVG file.
        width_in, credit
            As for :func:`dsrgeo.export.to_svg`.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        return export.to_svg(self, path, width_in=width_in, credit=credit)

    def to_pdf(self, path, *, width_in=export.DEFAULT_WIDTH_IN, credit="full"):
        """Write a static PDF with the same colours (see :func:`dsrgeo.export.to_pdf`).

        Parameters
        ----------
        path : str or os.PathLike
            The PDF file.
        width_in, credit
            As for :func:`dsrgeo.export.to_pdf`.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        return export.to_pdf(self, path, width_in=width_in, credit=credit)

    # -- rendering -------------------------------------------------------------------------

    def _body(self, layer):
        """The layer's page data without its key: (spec dict, geometry JSON strings or None).

        It depends on the layer only (its pane follows from its order), so it is computed
        once per layer and kept beside it; the key is the layer's position and shifts as
        layers are added.
        """
        if layer is self._basemap:
            return _basemap_body(self.center_lon)
        index = next(i for i, o in enumerate(self._overlays) if o is layer)
        if self._bodies[index] is None:
            self._bodies[index] = _spec_body(layer, self._drawn_geometries(layer))
        return self._bodies[index]

    def _page_specs(self, keyed):
        """(layer key -> page JSON of the layer, page JSON of the shared geometry table).

        Each distinct geometry is stored once in a table per number of decimals; layers index
        into it (``"g"``), so the country polygons that the basemap and the policy layers
        share travel once. Long parts are compressed (:data:`COMPRESS_MIN_CHARS`).
        """
        tables = {}
        specs = {}
        for layer_key, layer in keyed:
            if layer.kind == "coverage":
                continue
            spec, geometries = self._body(layer)
            inner = script_json(spec)[1:-1]
            if geometries is not None:
                strings, index = tables.setdefault(str(spec["decimals"]), ([], {}))
                rows = []
                for geometry in geometries:
                    if geometry not in index:
                        index[geometry] = len(strings)
                        strings.append(geometry)
                    rows.append(index[geometry])
                inner += ',"g":' + script_json(rows)
            text = '{"key":' + script_json(layer_key) + "," + inner + "}"
            outer = {
                "key": layer_key,
                **{k: spec[k] for k in ("name", "kind", "pane", "bulk", "credit", "features")},
            }
            specs[layer_key] = _packed(text, outer)
        table = (
            "{"
            + ",".join(
                script_json(decimals) + ":[" + ",".join(strings) + "]"
                for decimals, (strings, _) in sorted(tables.items())
            )
            + "}"
        )
        return specs, _packed(table, {})

    def _render(self, fragment, key=None):
        from branca.element import Element, Figure

        from dsrgeo.maps.page import (
            GeometryTable,
            ImageOverlay,
            InlineAssets,
            LayerControl,
            LeafletMap,
            ReadyMarker,
            TitleBox,
        )
        from dsrgeo.maps.slider import FIRST_YEAR, YearSlider
        from dsrgeo.maps.vector import VectorLayer

        layers = self.layers
        keyed = [(f"l{i}", layer) for i, layer in enumerate(layers)]
        specs, table = self._page_specs(keyed)
        images = {  # coverage PNGs as data: URIs
            layer_key: png_data_uri(layer.image[0])
            for layer_key, layer in keyed
            if layer.kind == "coverage"
        }
        legend_sections = [
            (layer_key, layer.legend, layer.show)
            for layer_key, layer in keyed
            if layer.role == "overlay" and layer.legend is not None
        ]
        legend = legend_html(legend_sections)
        sources = sources_html(_source_entries(layers))
        alt = layer_table_html(
            [
                {
                    "name": layer.name,
                    "features": len(layer.gdf),
                    "shown": layer.show,
                    "legend": legend_words(layer.legend) if layer.legend is not None else "",
                    "credit": "; ".join(layer.credit),
                }
                for layer in layers
                if layer.role == "overlay"
            ],
            caption=self.title or "Map",
        )
        west, south, east, north = self.bounds
        seed = content_seed(
            "" if key is None else f"key:{key}",
            self.title or "",
            str(self.tiles),
            str(self.time_slider),
            str(fragment),
            repr(self.center_lon),
            repr((west, south, east, north)),
            legend,
            sources,
            *(f"{layer_key}:{layer.show}:{layer.name}" for layer_key, layer in keyed),
            table,
            *specs.values(),
            *images.values(),
        )
        figure = Figure(title=html.escape(self.title or "dsrgeo map"))
        figure.header.add_child(
            Element('<meta name="viewport" content="width=device-width, initial-scale=1.0">'),
            name="viewport",
        )
        figure.header.add_child(InlineAssets(), name="dsrgeo_assets")
        panes = {_pane_of(layer): PANE_BASE_Z + layer.order for _, layer in keyed}
        leaflet_map = LeafletMap(
            bounds=[[south, west], [north, east]],
            panes=dict(sorted(panes.items())),
            fragment_height=FRAGMENT_HEIGHT if fragment else None,
            center_lon=self.center_lon,
            label=html.escape(self.title or "Map", quote=True),
            alt_html=alt,
            focus=None if self._focus is None else (self._focus[1], self._focus[0]),
        )
        figure.add_child(leaflet_map, name="map")
        leaflet_map.add_child(GeometryTable(table), name="geometries")
        for layer_key, layer in keyed:
            escaped_name = html.escape(layer.name)
            if layer.role == "basemap":
                element = VectorLayer(
                    specs[layer_key], name=escaped_name, show=self.tiles is None, overlay=False
                )
            elif layer.kind == "coverage":
                _, (s, w, n, e) = layer.image
                element = ImageOverlay(
                    images[layer_key],
                    [[s, w], [n, e]],
                    key=layer_key,
                    name=escaped_name,
                    pane=_pane_of(layer),
                    cells=len(layer.gdf),
                    credit=[html.escape(part) for part in layer.credit],
                    show=layer.show,
                )
            else:
                element = VectorLayer(specs[layer_key], name=escaped_name, show=layer.show)
            leaflet_map.add_child(element, name=layer_key)
        if self.tiles is not None:
            leaflet_map.add_child(_tile_layer(self.tiles), name="tiles")
        if self.title:
            leaflet_map.add_child(TitleBox(html.escape(self.title)), name="title")
        leaflet_map.add_child(LayerControl(), name="layer_control")
        if legend_sections:
            leaflet_map.add_child(
                HtmlControl(
                    '<details open><summary>Legend</summary><div class="dsrgeo-legend-body">'
                    f"{legend}</div></details>",
                    position="bottomright",
                    css_class="dsrgeo-box dsrgeo-legend",
                ),
                name="legend",
            )
        leaflet_map.add_child(
            HtmlControl(sources, position="bottomleft", css_class="dsrgeo-box dsrgeo-sources"),
            name="sources",
        )
        if self.time_slider:
            last_years = [  # the data's last year: planned cables do not stretch the slider
                catalog.get(layer.layer_id).years[1]
                for _, layer in keyed
                if layer.time is not None and catalog.get(layer.layer_id).years
            ]
            if last_years:
                leaflet_map.add_child(YearSlider(FIRST_YEAR, max(last_years)), name="slider")
        leaflet_map.add_child(ReadyMarker(), name="ready")
        assign_ids(figure, seed)
        if fragment:
            figure.render()  # fills the figure's header, html and script parts
            return (
                '<div class="dsrgeo-fragment">'
                + figure.header.render()
                + figure.html.render()
                + "<script>"
                + figure.script.render()
                + "</script></div>"
            )
        return figure.render()


#: Classes of a scenario's countries, in legend order, with their colours.
SCENARIO_CLASSES = (
    ("Isolated by sea", "#67000d"),
    ("Lost over half its sea reach", "#cb181d"),
    ("Lost international cables", "#fb6a4a"),
    ("Cables intact; lost only the countries cut off", "#fcbba1"),
    ("No change", "#e3e3e3"),
)
#: Columns of a scenario country's popup.
SCENARIO_POPUP = (
    "name",
    "iso3",
    "reach_lost",
    "international_cables_before",
    "international_cables_after",
    "reach_before",
    "reach_after",
    "reach_lost_percent",
    "cables_cut",
)


def _value_range(value_range):
    """``value_range`` as (low, high) floats: two finite numbers, low < high."""
    try:
        low, high = value_range
    except (TypeError, ValueError):
        raise ParameterError(
            f"expected (low, high), two numbers, got {value_range!r}", parameter="value_range"
        ) from None
    low, high = checks.number(low, "value_range"), checks.number(high, "value_range")
    if not low < high:
        raise ParameterError(
            f"expected (low, high) with low < high, got {value_range!r}",
            parameter="value_range",
        )
    return low, high


def _scenario_class(row):
    if row.isolated_by_sea:
        return SCENARIO_CLASSES[0][0]
    if row.reach_lost_share > 0.5:
        return SCENARIO_CLASSES[1][0]
    if row.international_cables_after < row.international_cables_before:
        return SCENARIO_CLASSES[2][0]
    if row.reach_lost_share > 0:
        return SCENARIO_CLASSES[3][0]
    return SCENARIO_CLASSES[4][0]


def _scenario_frames(scenario, name, context):
    """(countries, cables not cut or None, cables cut, area cut or None, title) to draw."""
    import geopandas

    from dsrgeo import loading
    from dsrgeo.network.model import CUT_COLUMNS

    columns = set(getattr(scenario, "columns", ()))
    if (
        not isinstance(scenario, geopandas.GeoDataFrame)
        or scenario.attrs.get("network") != "cut"
        or not set(CUT_COLUMNS) <= columns
    ):
        raise ParameterError(
            f"expected a result of dsrgeo.network.cut(...), got {type(scenario).__name__}",
            parameter="scenario",
        )
    checks.text(name, "name")
    checks.boolean(context, "context")
    title = str(name or scenario.attrs.get("title") or "Scenario")
    attrs = {  # the provenance: the credit line names the layers' short credits
        key: scenario.attrs.get(key)
        for key in ("layers", "sources", "licence", "licences", "citation", "attribution")
    }
    countries = scenario[scenario.geometry.notna()].copy()
    countries["reach_lost"] = [_scenario_class(row) for row in countries.itertuples()]
    countries["reach_lost_percent"] = (100 * countries["reach_lost_share"]).round(1)
    countries.attrs = dict(attrs, title=f"{title}: reach lost by sea")
    cables = loading.load("cables", as_of=scenario.attrs.get("as_of"))
    is_cut = cables["id"].isin(scenario.attrs.get("cables_cut", [])).to_numpy()
    plain = {  # "layers": the credit line names the catalog's short credit, as for the others
        "layers": ["cables"],
        "citation": catalog.citation("cables"),
        "attribution": catalog.get("cables").attribution,
    }
    cut = geopandas.GeoDataFrame(cables[is_cut].reset_index(drop=True), crs="EPSG:4326")
    cut.attrs = dict(plain)
    uncut = None
    if context:
        uncut = geopandas.GeoDataFrame(cables[~is_cut].reset_index(drop=True), crs="EPSG:4326")
        uncut.attrs = dict(plain)
    area = None
    if scenario.attrs.get("region") is not None:
        area = geopandas.GeoDataFrame(
            {"name": [f"Area cut: within {scenario.attrs.get('radius_km'):g} km of the place"]},
            geometry=[scenario.attrs["region"]],
            crs="EPSG:4326",
        )
        area.attrs = dict(attrs)
    return countries, uncut, cut, area, title


def _packed(text, outer):
    """``text`` (script-safe JSON) as it is, or compressed into ``{**outer, "z": base64}``."""
    if len(text) < COMPRESS_MIN_CHARS:
        return text
    data = base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")
    return script_json({**outer, "z": data})


def _source_entries(layers):
    """The Sources panel's entries: each layer's sources (or citation), licence, attribution."""
    entries, seen = [], set()
    for layer in layers:
        if layer.layer_id is not None and layer.layer_id in catalog.layer_ids():
            info = catalog.get(layer.layer_id)
            entry = {
                "name": layer.name,
                "sources": [dict(s) for s in info.sources],
                "licence": info.licence,
                "licence_url": info.licence_url,
                "attribution": info.attribution,
            }
        elif layer.sources or layer.citation:
            # a frame's own: its sources (or its citation), licence and attribution
            entry = {"name": layer.name, "licence": layer.licence, "attribution": layer.attribution}
            if layer.sources:
                entry["sources"] = [dict(s) for s in layer.sources]
            else:
                entry["citation"] = layer.citation
        else:
            continue
        frozen = json.dumps(entry, sort_keys=True)
        if frozen not in seen:
            seen.add(frozen)
            entries.append(entry)
    return entries


def _pane_of(layer):
    return f"dsrgeo-{layer.order + 100:03d}"


def _frozen(style):
    """A hashable form of a Leaflet style dict (equal styles, equal keys)."""
    return tuple(sorted(style.items()))


def _spec_body(layer, geometries):
    """Return (the layer's :func:`vector_spec` without key and geometry, geometry JSON strings).

    The geometry is None for bulk point layers (their spec holds ``points``).
    """
    style_table, style_index = [], []
    seen = {}
    extra_styles = []
    row_styles = layer.styles
    if layer.time is not None:  # the page starts from "during" and applies the slider's year
        row_styles = layer.time.during
        extra_styles = [r for r in (layer.time.before, layer.time.after) if isinstance(r, dict)]
    for style in [*row_styles, *extra_styles]:
        frozen = _frozen(style)
        if frozen not in seen:
            seen[frozen] = len(style_table)
            style_table.append(style)
        style_index.append(seen[frozen])
    time = None
    if layer.time is not None:

        def rule(value):
            return "hide" if value == "hide" else seen[_frozen(value)]

        time = {
            "start": layer.time.start,
            "end": layer.time.end,
            "before": rule(layer.time.before),
            "after": rule(layer.time.after),
        }
    labels = [(c, html.escape(layer.labels.get(c, c))) for c in layer.tooltip]
    popup_labels = [(c, html.escape(layer.labels.get(c, c))) for c in layer.popup]
    spec = vector_spec(
        layer,
        key=None,
        pane=_pane_of(layer),
        tooltip_labels=labels,
        popup_labels=popup_labels,
        style_table=style_table,
        style_index=style_index[: len(row_styles)],
        time=time,
        popup_html=layer.popup_html,
        geometries=geometries,
    )
    del spec["key"]  # the first member; the page puts it back
    compact = spec.pop("geometry", None)
    return spec, None if compact is None else [script_json(g) for g in compact]


@functools.lru_cache(maxsize=2)
def _basemap_shared(path, block):
    """The resolved basemap, once per process per catalog file and map block."""
    return resolve_layer(BASEMAP_ID, default_order=0, role="basemap")


def _basemap_key():
    info = catalog.get(BASEMAP_ID)
    return str(info.file), script_json(info.map)


def _basemap_copy():
    """Return this Map's own copy of the shared basemap record (a user may change it)."""
    import dataclasses

    shared = _basemap_shared(*_basemap_key())
    return dataclasses.replace(
        shared,
        gdf=shared.gdf.copy(),
        styles=tuple(dict(style) for style in shared.styles),
        labels=dict(shared.labels),
    )


@functools.lru_cache(maxsize=4)
def _basemap_body_for(path, block, center_lon):
    shared = _basemap_shared(path, block)
    geometries = list(shared.gdf.geometry.values)
    if center_lon:
        geometries = recentre(geometries, center_lon=center_lon)
    return _spec_body(shared, geometries)


def _basemap_body(center_lon=0.0):
    """The page data of the shipped basemap (computed once per process and centre)."""
    return _basemap_body_for(*_basemap_key(), float(center_lon))


def _tile_layer(name):
    import folium

    try:
        return folium.TileLayer(tiles=name, overlay=False, control=True, show=True)
    except (ValueError, KeyError) as err:
        raise ParameterError(
            f"unknown tiles {name!r}; use an xyzservices provider name such as "
            "'OpenStreetMap' or 'OpenTopoMap', or leave tiles=None for the offline basemap",
            parameter="tiles",
        ) from err
