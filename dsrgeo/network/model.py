"""The network model: cables as hyperedges between countries, each with its own topology.

A :class:`Network` holds every cable's :class:`~dsrgeo.network.topology.Topology`. Each
piece of a cable links the countries and territories of the stations it joins (their codes
as the ``landing_points`` layer gives them), so a cable is a hyperedge, or several once it
is cut. Countries are nodes: a country's landing stations are taken to be joined over land
(its own backhaul), so a path may land in a country and leave it by another cable. A piece
whose stations all lie in one country is domestic and links nothing. Links between
neighbouring countries over land are a separate, optional assumption (``terrestrial=True``),
reported in their own ``*_with_land`` columns and never mixed into "by sea".
"""

import copy
import functools
import math
import re

import numpy as np
import pandas as pd
import shapely

from dsrgeo import analysis, checks
from dsrgeo.errors import InvalidLayerError, ParameterError
from dsrgeo.geodesy import geodesic_buffer
from dsrgeo.network.companies import SUPPLIER_GROUPS, cable_companies, company_table
from dsrgeo.network.topology import cable_topology, pieces_of
from dsrgeo.text import did_you_mean

__all__ = [
    "CUT_COLUMNS",
    "MAX_RADIUS_KM",
    "Network",
    "build_topologies",
    "place_geometry",
]

#: The widest place :meth:`Network.cut` accepts (half the Earth's circumference).
MAX_RADIUS_KM = 20_000.0

#: Columns of :meth:`Network.cut`, in order (``*_with_land`` only with ``terrestrial=True``).
CUT_COLUMNS = (
    "iso3",
    "name",
    "international_cables_before",
    "international_cables_after",
    "isolated_by_sea",
    "cables_cut",
    "reach_before",
    "reach_after",
    "reach_lost_share",
)


def build_topologies(cables, landing_points):
    """Return {cable id: Topology} for every cable of a frame, attached to its landing points.

    Parameters
    ----------
    cables : geopandas.GeoDataFrame
        With ``id``, ``landing_point_ids`` and line geometries (lon/lat).
    landing_points : geopandas.GeoDataFrame
        With ``id`` and point geometries.

    Returns
    -------
    dict

    Raises
    ------
    InvalidLayerError
        If a cable has no drawn route or names a landing point that is not in
        ``landing_points``.
    """
    where = dict(zip(landing_points["id"], landing_points.geometry))
    out = {}
    for cable_id, ids, geometry in zip(cables["id"], cables["landing_point_ids"], cables.geometry):
        if geometry is None or geometry.is_empty:
            raise InvalidLayerError("cable has no drawn route", feature=cable_id, field="geometry")
        missing = [i for i in ids or () if i not in where]
        if missing:
            raise InvalidLayerError(
                f"landing points {missing} are not in the landing points given",
                feature=cable_id,
                field="landing_point_ids",
            )
        stations = [(i, (where[i].x, where[i].y)) for i in ids or ()]
        out[cable_id] = cable_topology(cable_id, geometry, stations)
    return out


def place_geometry(at):
    """Return ``at`` as one shapely geometry in lon/lat degrees.

    Parameters
    ----------
    at : (float, float), shapely geometry, row or frame
        A ``(lon, lat)`` pair; a shapely geometry; a row of a GeoDataFrame (e.g.
        ``dsrgeo.load("chokepoints").set_index("id").loc["bab_el_mandeb"]``); or a
        GeoSeries / GeoDataFrame (the union of its geometries).

    Returns
    -------
    shapely geometry

    Raises
    ------
    ParameterError
        If ``at`` is none of these, is empty, or has coordinates outside lon/lat ranges.

    Examples
    --------
    >>> place_geometry((43.35, 12.61)).wkt
    'POINT (43.35 12.61)'
    >>> place_geometry((12.61, 143.35))
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: at: latitude 143.35 is outside [-90, 90]; give (lon, lat) degrees
    """
    geometry = at
    if isinstance(at, pd.Series) and "geometry" in at.index:
        geometry = at["geometry"]
        if geometry is None:
            raise ParameterError(
                f"{at.get('id', at.name)!r} has no geometry (no place to cut at)", parameter="at"
            )
    elif hasattr(at, "geometry") and hasattr(at, "crs"):  # GeoSeries / GeoDataFrame
        geoms = at.geometry if hasattr(at, "columns") else at
        if geoms.crs is not None and not geoms.crs.equals("EPSG:4326"):
            geoms = geoms.to_crs("EPSG:4326")
        geoms = [g for g in geoms if g is not None and not g.is_empty]
        if not geoms:
            raise ParameterError("the frame has no geometry to cut at", parameter="at")
        geometry = shapely.union_all(geoms)
    elif isinstance(at, (tuple, list)) and len(at) == 2:
        lon = checks.number(at[0], "at (lon)")
        lat = checks.number(at[1], "at (lat)")
        geometry = shapely.Point(lon, lat)
    if not isinstance(geometry, shapely.Geometry):
        raise ParameterError(
            f"expected (lon, lat), a shapely geometry or a row/frame with a geometry, got {at!r}",
            parameter="at",
        )
    if geometry.is_empty:
        raise ParameterError("the geometry is empty", parameter="at")
    west, south, east, north = geometry.bounds
    for lat in (south, north):
        if not -90 <= lat <= 90:
            raise ParameterError(
                f"latitude {lat!r} is outside [-90, 90]; give (lon, lat) degrees", parameter="at"
            )
    for lon in (west, east):
        if not -180 <= lon <= 180:
            raise ParameterError(
                f"longitude {lon!r} is outside [-180, 180]; give (lon, lat) degrees",
                parameter="at",
            )
    return geometry


class _Components:
    """Connected countries (union-find) over hyperedges and optional pairs."""

    def __init__(self, hyperedges, pairs=()):
        self.parent = {}
        for members in hyperedges:
            members = list(members)
            for other in members[1:]:
                self.union(members[0], other)
        for a, b in pairs:
            self.union(a, b)

    def find(self, x):
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb

    def reach(self, countries):
        """{country: number of the other ``countries`` in its component}."""
        roots = {c: self.find(c) for c in countries}
        sizes = {}
        for root in roots.values():
            sizes[root] = sizes.get(root, 0) + 1
        return {c: sizes[r] - 1 for c, r in roots.items()}


class Network:
    """The submarine cable network: cables with their topology, countries linked by them.

    Parameters
    ----------
    cables : geopandas.GeoDataFrame
        Laid out like the ``cables`` layer: ``id``, ``name``, ``suppliers``, ``owners``
        (lists), ``landing_point_ids`` and line geometries (lon/lat); with ``hmn_status``
        (or ``hmn_built``, ``is_hmn``) where known, which says which cables HMN Tech built
        (:func:`dsrgeo.analysis.hmn_mask`; without one, the supplier names).
    landing_points : geopandas.GeoDataFrame
        Laid out like the ``landing_points`` layer: ``id``, ``iso3`` and points.
    countries : geopandas.GeoDataFrame, optional
        ``iso3``, ``name`` and polygons (e.g. ``bri_countries``): names and geometry of the
        result rows, and the land borders of ``terrestrial=True``.
    chokepoints : geopandas.GeoDataFrame, optional
        ``id`` and polygons (e.g. the ``chokepoints`` layer) for the exposure shares.
    companies : pandas.DataFrame, optional
        :func:`dsrgeo.network.companies.company_table` (default: the shipped table).
    names : dict, optional
        ISO3 -> name, for codes ``countries`` lacks.
    topologies : dict, optional
        Precomputed {cable id: Topology} (:func:`build_topologies`), e.g. shared by the
        networks of several years.
    as_of : int, optional
        The year the cables were selected for (kept in results' ``attrs``).
    provenance : dict, optional
        The ``.attrs`` of the data's provenance (:func:`dsrgeo.catalog.provenance`:
        ``layers``, ``sources``, ``licence``, ``licences``, ``attribution``, ``citation``),
        copied into every result's ``attrs``; :func:`dsrgeo.network.load_network` gives the
        shipped layers' (:func:`dsrgeo.network.provenance`).
    citation, attribution : str, optional
        Where the data comes from, in full and as a credit line (kept in results'
        ``attrs``, shown by maps of the results); given, they replace ``provenance``'s.

    Examples
    --------
    >>> import dsrgeo
    >>> network = dsrgeo.network.load_network(as_of=2017)
    >>> network  # doctest: +ELLIPSIS
    Network(as_of=2017: 360 cables, ... countries and territories with an international cable)
    """

    def __init__(
        self,
        cables,
        landing_points,
        *,
        countries=None,
        chokepoints=None,
        companies=None,
        names=None,
        topologies=None,
        as_of=None,
        provenance=None,
        citation=None,
        attribution=None,
    ):
        cables = cables.sort_values("id")
        self.as_of = as_of
        self.provenance = copy.deepcopy(dict(provenance or {}))
        self.provenance.pop("title", None)
        for key, value in (("citation", citation), ("attribution", attribution)):
            # both always in the provenance (None if unknown), as every result's attrs has them
            self.provenance[key] = self.provenance.get(key) if value is None else value
        self.cable_ids = tuple(cables["id"])
        self._meta = pd.DataFrame(
            {
                "name": cables["name"].to_numpy(),
                "suppliers": list(cables["suppliers"]),
                "owners": list(cables["owners"]),
                # which cables HMN Tech built, asked of analysis.hmn_mask once (the audited
                # status, else the names): cable_companies reads it back from hmn_built
                "hmn_built": analysis.hmn_mask(cables).to_numpy(),
            },
            index=pd.Index(self.cable_ids, name="id"),
        )
        self._geometry = dict(zip(cables["id"], cables.geometry))
        if topologies is None:
            topologies = build_topologies(cables, landing_points)
        self._topo = {cid: topologies[cid] for cid in self.cable_ids}
        iso3 = dict(zip(landing_points["id"], landing_points["iso3"]))
        self._station_iso3 = {
            cid: tuple(iso3.get(s) for s in topo.stations) for cid, topo in self._topo.items()
        }
        self._base = {cid: self._piece_countries(cid, None) for cid in self.cable_ids}
        self._international = self._international_cables(self._base)
        self.countries = tuple(sorted(self._international))
        self._country_frame = countries
        self._chokepoints = chokepoints
        self._companies = companies
        self._names = dict(names or {})
        if countries is not None:
            self._names.update(
                {k: v for k, v in zip(countries["iso3"], countries["name"]) if isinstance(v, str)}
            )
        link_geoms, self._link_owner = [], []
        for cid in self.cable_ids:
            for index, geometry in enumerate(self._topo[cid].geometries):
                link_geoms.append(geometry)
                self._link_owner.append((cid, index))
        self._link_tree = shapely.STRtree(link_geoms)
        self._bifurcations = {}  # terrestrial -> frame (kept with the network, not beyond)

    @property
    def citation(self):
        """Where the data comes from, in full (``provenance["citation"]``; None if unknown)."""
        return self.provenance["citation"]

    @citation.setter
    def citation(self, value):
        self.provenance["citation"] = value

    @property
    def attribution(self):
        """The data's credit line (``provenance["attribution"]``; None if unknown)."""
        return self.provenance["attribution"]

    @attribution.setter
    def attribution(self, value):
        self.provenance["attribution"] = value

    def __repr__(self):
        return (
            f"Network(as_of={self.as_of}: {len(self.cable_ids)} cables, "
            f"{len(self.countries)} countries and territories with an international cable)"
        )

    # -- the pieces and what they link ------------------------------------------------------

    def _piece_countries(self, cable_id, keep):
        topo = self._topo[cable_id]
        if keep is None:
            pieces = topo.pieces
        else:
            pieces = pieces_of(len(topo.nodes), topo.links, topo.station_nodes, keep)
        codes = self._station_iso3[cable_id]
        return tuple(frozenset(codes[k] for k in piece if codes[k]) for piece in pieces)

    @staticmethod
    def _international_cables(pieces):
        """{country: set of cable ids with a piece linking it to another country}."""
        out = {}
        for cid, cable_pieces in pieces.items():
            for members in cable_pieces:
                if len(members) >= 2:
                    for code in members:
                        out.setdefault(code, set()).add(cid)
        return out

    def _components(self, pieces, *, without=(), terrestrial=False):
        skip = set(without)
        hyperedges = (
            members
            for cid, cable_pieces in pieces.items()
            if cid not in skip
            for members in cable_pieces
            if len(members) >= 2
        )
        return _Components(hyperedges, self.land_borders() if terrestrial else ())

    # -- naming cables and places ---------------------------------------------------------

    def resolve_cables(self, cables):
        """Return the ids of ``cables``: ids, exact names, or the abbreviation in a name.

        A cable is found by its id, its full name (any case) or the abbreviation in
        parentheses that ends its name (``"ACE"`` for "Africa Coast to Europe (ACE)").

        Parameters
        ----------
        cables : str or list of str
            Cable ids or names.

        Returns
        -------
        list of str

        Raises
        ------
        ParameterError
            If a name matches no cable of the network, or several.

        Examples
        --------
        >>> import dsrgeo
        >>> dsrgeo.network.load_network(as_of=2018).resolve_cables(["ACE", "SAT-3/WASC"])
        ['africa-coast-to-europe-ace', 'sat-3wasc']
        """
        if isinstance(cables, str):
            cables = [cables]
        try:
            wanted = list(cables)
        except TypeError:
            wanted = None
        if not wanted or not all(isinstance(c, str) for c in wanted):
            raise ParameterError(
                f"expected a cable id or name, or a list of them, got {cables!r}",
                parameter="cables",
            )
        names, abbreviations = self._lookup
        out = []
        for text in wanted:
            key = text.strip().casefold()
            found = names.get(key) or abbreviations.get(key)
            if found is None:
                when = f" in service by the end of {self.as_of}" if self.as_of else ""
                hint = did_you_mean(text, list(self._meta["name"]), cutoff=0.6)
                raise ParameterError(
                    f"no cable{when} has the id, name or abbreviation {text!r}{hint}",
                    parameter="cables",
                )
            if len(found) > 1:
                raise ParameterError(
                    f"{text!r} names several cables: {', '.join(sorted(found))}; give an id",
                    parameter="cables",
                )
            (cable_id,) = found
            if cable_id not in out:
                out.append(cable_id)
        return out

    @functools.cached_property
    def _lookup(self):
        """({id or full name: ids}, {abbreviation: ids}), all case-folded."""
        names, abbreviations = {}, {}
        for cable_id, name in zip(self._meta.index, self._meta["name"]):
            for key in {cable_id.casefold(), str(name).strip().casefold()}:
                names.setdefault(key, set()).add(cable_id)
            match = re.search(r"\(([^()]+)\)\s*$", str(name))
            if match:
                abbreviations.setdefault(match.group(1).strip().casefold(), set()).add(cable_id)
        return names, abbreviations

    def chokepoint(self, name):
        """Return the polygon of a chokepoint by its id or name (any case).

        Parameters
        ----------
        name : str
            A ``chokepoints`` id (``"bab_el_mandeb"``) or name (``"Bab-el-Mandeb"``).

        Returns
        -------
        shapely.Polygon or shapely.MultiPolygon

        Raises
        ------
        ParameterError
            If the network has no chokepoint of that id or name, or it has no polygon.
        """
        frame = self._chokepoints
        ids = [] if frame is None else [str(i) for i in frame["id"]]
        for cp_id, cp_name, polygon in (
            () if frame is None else zip(frame["id"], frame["name"], frame.geometry)
        ):
            if name.strip().casefold() in (str(cp_id).casefold(), str(cp_name).casefold()):
                if polygon is None or polygon.is_empty:
                    raise ParameterError(
                        f"chokepoint {cp_id!r} has no polygon (its sources give no centre)",
                        parameter="at",
                    )
                return polygon
        raise ParameterError(
            f"no chokepoint {name!r}{did_you_mean(name, ids)}; known: {', '.join(ids) or 'none'}",
            parameter="at",
        )

    def name_of(self, iso3):
        """Return the country's name (Natural Earth's where known), else the code.

        Parameters
        ----------
        iso3 : str
            The country or territory code.

        Returns
        -------
        str
        """
        return self._names.get(iso3, iso3)

    # -- land borders (the optional terrestrial assumption) ------------------------------

    def land_borders(self):
        """Return the pairs of countries whose polygons share a border (``terrestrial=True``).

        Returns
        -------
        tuple of (str, str)

        Raises
        ------
        ParameterError
            If the network was built without ``countries``.
        """
        return self._land_borders

    @functools.cached_property
    def _land_borders(self):
        """Worked out once per network, kept with it (not by a cache outliving it)."""
        if self._country_frame is None:
            raise ParameterError(
                "terrestrial=True needs country polygons; build the Network with countries=",
                parameter="terrestrial",
            )
        frame = self._country_frame[self._country_frame.geometry.notna()]
        codes = list(frame["iso3"])
        geoms = np.asarray(frame.geometry.values, dtype=object)
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        pairs = {
            tuple(sorted((codes[i], codes[j]))) for i, j in zip(left, right) if codes[i] != codes[j]
        }
        return tuple(sorted(pairs))

    # -- results ------------------------------------------------------------------------

    def _frame(self, rows, columns, kind, **attrs):
        import geopandas

        table = pd.DataFrame(rows, columns=list(columns))
        geometry = [None] * len(table)
        if self._country_frame is not None:
            shapes = dict(zip(self._country_frame["iso3"], self._country_frame.geometry))
            geometry = [shapes.get(code) for code in table["iso3"]]
        frame = geopandas.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")
        frame.attrs.update(self._attrs(kind, attrs.pop("title")), **attrs)
        return frame

    def _attrs(self, kind, title):
        """The ``.attrs`` every result starts with: what it is, the year, its provenance."""
        return {
            "network": kind,
            "as_of": self.as_of,
            "title": title,
            **copy.deepcopy(self.provenance),
        }

    def cut(self, cables=None, *, at=None, radius_km=50.0, terrestrial=False):
        """Cut cables, whole or at a place, and return what each country keeps.

        See :func:`dsrgeo.network.cut`, which calls this on the shipped network.

        Parameters
        ----------
        cables : str or list of str, optional
            Cable ids or names to cut (whole, or only at ``at`` when both are given).
        at : tuple, shapely geometry or str, optional
            A (lon, lat), a geometry or a chokepoint id: every cable within ``radius_km``
            of it is cut there.
        radius_km : float, default 50.0
            Distance from ``at`` within which cables are cut (0: where they cross it).
        terrestrial : bool, default False
            Also report reach with land borders between neighbours (``*_with_land``).

        Returns
        -------
        geopandas.GeoDataFrame
            As :func:`dsrgeo.network.cut`.
        """
        ids = None if cables is None else self.resolve_cables(cables)
        radius_km = checks.number(radius_km, "radius_km", low=0, high=MAX_RADIUS_KM)
        terrestrial = checks.boolean(terrestrial, "terrestrial")
        if ids is None and at is None:
            raise ParameterError(
                "nothing to cut: give cables (ids or names), at (a place) or both",
                parameter="cables",
            )
        region = place = None
        removed = {}
        if isinstance(at, str):
            at = self.chokepoint(at)
        if at is not None:
            place = place_geometry(at)
            region = place if radius_km == 0 else geodesic_buffer(place, radius_km=radius_km)
            for hit in self._link_tree.query(region, predicate="intersects"):
                cid, index = self._link_owner[int(hit)]
                if ids is None or cid in ids:
                    mask = removed.setdefault(cid, np.zeros(len(self._topo[cid].links), bool))
                    mask[index] = True
            if ids is not None:
                away = [cid for cid in ids if cid not in removed]
                if away:
                    raise ParameterError(
                        f"{', '.join(away)} pass(es) nowhere within {radius_km:g} km of `at`; "
                        "widen radius_km, or cut them whole (at=None)",
                        parameter="at",
                    )
        else:
            for cid in ids:
                removed[cid] = np.ones(len(self._topo[cid].links), bool)
        pieces = dict(self._base)
        for cid, mask in removed.items():
            pieces[cid] = self._piece_countries(cid, ~mask)
        after = self._international_cables(pieces)
        before_reach = self._components(self._base).reach(self.countries)
        after_reach = self._components(pieces).reach(self.countries)
        land_reach = None
        if terrestrial:
            land_reach = self._components(pieces, terrestrial=True).reach(self.countries)
        landing = {}
        for cid in removed:
            for code in set(self._station_iso3[cid]):
                landing.setdefault(code, []).append(cid)
        rows = []
        for code in self.countries:
            reach_before, reach_after = before_reach[code], after_reach[code]
            row = [
                code,
                self.name_of(code),
                len(self._international[code]),
                len(after.get(code, ())),
                reach_after == 0,
                sorted(landing.get(code, [])),
                reach_before,
                reach_after,
                (reach_before - reach_after) / reach_before if reach_before else 0.0,
            ]
            if terrestrial:
                row += [land_reach[code], land_reach[code] == 0]
            rows.append(row)
        columns = list(CUT_COLUMNS)
        if terrestrial:
            columns += ["reach_after_with_land", "isolated_with_land"]
        names = [str(self._meta.loc[cid, "name"]) for cid in sorted(removed)]
        what = ", ".join(names) if len(names) <= 3 else f"{len(names)} cables"
        where = "" if at is None else f" within {radius_km:g} km of a place"
        return self._frame(
            rows,
            columns,
            "cut",
            title=f"Cut: {what or 'nothing'}{where}",
            cables_cut=sorted(removed),
            cables_asked=ids,
            at=place,
            radius_km=radius_km if at is not None else None,
            region=region,
            terrestrial=terrestrial,
        )

    # -- exposure -------------------------------------------------------------------------

    def min_cut(self, iso3):
        """Return the fewest cable faults that leave ``iso3`` no sea path, and where they are.

        A fault breaks one link of one cable (a chain of drawn segments between junctions,
        or the shore end joining a station to the drawing), as :meth:`cut` with ``at``
        does. The answer is a minimum cut between the country's stations and every other
        country's stations over the links of the cables that give it an international
        link (a path leaving on another cable must first reach another country, which is
        already too far), found by a max-flow (:func:`networkx.minimum_cut`, unit
        capacities). Each such cable needs at least one fault (a shore end, or a branch
        serving several of the country's stations) and at most one per station.

        Parameters
        ----------
        iso3 : str
            A country of the network (its code as the landing points give it).

        Returns
        -------
        (int, list of str)
            The number of faults, and the cable of each fault (sorted; a cable that needs
            two faults appears twice).

        Raises
        ------
        ParameterError
            If ``iso3`` lands no international cable in the network.
        """
        import networkx as nx

        if iso3 not in self._international:
            raise ParameterError(
                f"{iso3!r} lands no international cable in this network{did_you_mean(iso3, self.countries)}",
                parameter="iso3",
            )
        graph = nx.DiGraph()
        link_of = {}
        for cid in sorted(self._international[iso3]):
            topo = self._topo[cid]
            codes = self._station_iso3[cid]
            for a, b in topo.links:
                if a == b:  # a loop separates nothing
                    continue
                u, v = (cid, int(a)), (cid, int(b))
                for x, y in ((u, v), (v, u)):
                    if graph.has_edge(x, y):
                        graph[x][y]["capacity"] += 1
                    else:
                        graph.add_edge(x, y, capacity=1)
                link_of.setdefault(frozenset((u, v)), []).append(cid)
            for k, node in enumerate(topo.station_nodes):
                if codes[k] == iso3:
                    graph.add_edge("source", (cid, int(node)))
                elif codes[k]:
                    graph.add_edge((cid, int(node)), "sink")
        value, (reachable, _) = nx.minimum_cut(graph, "source", "sink")
        faults = []  # every link has capacity 1: the cut links are the faults
        for pair, owners in link_of.items():
            u, v = tuple(pair)
            if (u in reachable) != (v in reachable):
                faults.extend(owners)
        return int(value), sorted(faults)

    def chokepoint_cables(self):
        """Return {chokepoint id: sorted ids of the cables whose drawn route crosses it}."""
        return dict(self._chokepoint_cables)

    @functools.cached_property
    def _chokepoint_cables(self):
        if self._chokepoints is None:
            return {}
        ids = list(self.cable_ids)
        tree = shapely.STRtree([self._geometry[cid] for cid in ids])
        out = {}
        for cp_id, polygon in zip(self._chokepoints["id"], self._chokepoints.geometry):
            if polygon is None or polygon.is_empty:
                continue
            hits = tree.query(polygon, predicate="intersects")
            out[cp_id] = sorted(ids[int(i)] for i in hits)
        return out

    @functools.cached_property
    def _cable_companies(self):
        table = self._companies if self._companies is not None else company_table()
        return cable_companies(self._meta.reset_index(), table)

    @functools.cached_property
    def _exposure(self):
        companies = self._cable_companies
        chokepoints = self._chokepoint_cables
        rows = []
        for code in self.countries:
            mine = sorted(self._international[code])
            n = len(mine)
            stations = {
                station
                for cid in mine
                for station, where in zip(self._topo[cid].stations, self._station_iso3[cid])
                if where == code
            }
            faults, fault_cables = self.min_cut(code)
            flags = companies.loc[mine]
            row = {
                "iso3": code,
                "name": self.name_of(code),
                "international_cables": n,
                "landing_stations": len(stations),
                "min_cables_to_isolate": faults,
                "min_cut_cables": fault_cables,
            }
            for group in SUPPLIER_GROUPS:
                row[f"share_{group}"] = float(flags[group].mean())
            row["share_other_supplier"] = float(flags["other_supplier"].mean())
            row["share_unknown_supplier"] = float(flags["unknown_supplier"].mean())
            row["share_chinese_state_carrier"] = float(flags["chinese_state_carrier"].mean())
            shares = {
                cp_id: sum(cid in set(passing) for cid in mine) / n
                for cp_id, passing in chokepoints.items()
            }
            top = max(shares, key=lambda k: (shares[k], k), default=None)
            row["top_chokepoint"] = top if top is not None and shares[top] > 0 else None
            row["top_chokepoint_share"] = shares[top] if top is not None else math.nan
            for cp_id, share in shares.items():
                row[f"share_via_{cp_id}"] = share
            rows.append(row)
        columns = [
            "iso3",
            "name",
            "international_cables",
            "landing_stations",
            "min_cables_to_isolate",
            "min_cut_cables",
            *(f"share_{g}" for g in SUPPLIER_GROUPS),
            "share_other_supplier",
            "share_unknown_supplier",
            "share_chinese_state_carrier",
            "top_chokepoint",
            "top_chokepoint_share",
            *(f"share_via_{cp_id}" for cp_id in chokepoints),
        ]
        return self._frame(
            [[row[c] for c in columns] for row in rows],
            columns,
            "exposure",
            title="Exposure: faults to isolate, chokepoints, suppliers and owners",
            chokepoint_cables={k: list(v) for k, v in chokepoints.items()},
        )

    def exposure(self):
        """Return one row per country: cables, faults to isolate, chokepoints, dependence.

        See :func:`dsrgeo.network.exposure`, which calls this on the shipped network.
        """
        return _copy(self._exposure)

    # -- bifurcation -----------------------------------------------------------------------

    def _side_cables(self):
        flags = self._cable_companies
        chinese = set(flags.index[flags["chinese_supplied"] | flags["chinese_owned"]])
        american = set(flags.index[flags["us_supplied"] | flags["us_owned"]])
        return chinese, american

    def _bifurcation(self, terrestrial):
        """The bifurcation frame, worked out once per network and ``terrestrial``."""
        if terrestrial not in self._bifurcations:
            self._bifurcations[terrestrial] = self._bifurcation_frame(terrestrial)
        return self._bifurcations[terrestrial]

    def _bifurcation_frame(self, terrestrial):
        chinese, american = self._side_cables()
        base = self._components(self._base).reach(self.countries)
        sides = {}
        for label, without in (("chinese", chinese), ("us", american)):
            sides[label] = self._components(self._base, without=without)
            if terrestrial:
                sides[f"{label}_land"] = self._components(
                    self._base, without=without, terrestrial=True
                )
        reach = {k: comp.reach(self.countries) for k, comp in sides.items()}

        def joined(components, code, target):
            if code == target or target not in self.countries:
                return pd.NA
            return components.find(code) == components.find(target)

        rows = []
        for code in self.countries:
            mine = self._international[code]
            row = {
                "iso3": code,
                "name": self.name_of(code),
                "international_cables": len(mine),
                "chinese_cables": len(mine & chinese),
                "us_cables": len(mine & american),
                "reach_all": base[code],
                "reaches_usa_without_chinese": joined(sides["chinese"], code, "USA"),
                "reach_without_chinese": reach["chinese"][code],
                "reaches_chn_without_us": joined(sides["us"], code, "CHN"),
                "reach_without_us": reach["us"][code],
            }
            if terrestrial:
                row["reaches_usa_without_chinese_with_land"] = joined(
                    sides["chinese_land"], code, "USA"
                )
                row["reach_without_chinese_with_land"] = reach["chinese_land"][code]
                row["reaches_chn_without_us_with_land"] = joined(sides["us_land"], code, "CHN")
                row["reach_without_us_with_land"] = reach["us_land"][code]
            rows.append(row)
        columns = list(rows[0]) if rows else ["iso3", "name"]
        frame = self._frame(
            [[row[c] for c in columns] for row in rows],
            columns,
            "bifurcation",
            title="Bifurcation: sea paths without the other side's cables",
            chinese_cable_ids=sorted(chinese),
            us_cable_ids=sorted(american),
            terrestrial=terrestrial,
        )
        for column in columns:
            if column.startswith("reaches_"):
                frame[column] = frame[column].astype("boolean")
        return frame

    def bifurcation(self, *, terrestrial=False):
        """Return per country its sea paths to the US without Chinese cables and vice versa.

        See :func:`dsrgeo.network.bifurcation`, which calls this on the shipped network.

        Parameters
        ----------
        terrestrial : bool, default False
            Also report the answers with land borders between neighbours.

        Returns
        -------
        geopandas.GeoDataFrame
            As :func:`dsrgeo.network.bifurcation`.
        """
        return _copy(self._bifurcation(checks.boolean(terrestrial, "terrestrial")))

    # -- drawings ---------------------------------------------------------------------------

    def disconnected_cables(self):
        """Return the cables whose drawing does not connect all their landing points.

        Returns
        -------
        pandas.DataFrame
            One row per such cable: ``id``, ``name``, ``pieces`` (count),
            ``piece_countries`` (the codes each piece lands in, e.g. ``"FRA USA"``),
            ``gap_km`` (closest approach of two pieces' drawn vertices), ``international``
            (whether some piece links two countries) and ``treatment``. ``.attrs`` holds the
            network's provenance, as every result does.
        """
        rows = []
        for cid in self.cable_ids:
            topo = self._topo[cid]
            if topo.is_connected:
                continue
            pieces = self._base[cid]
            rows.append(
                {
                    "id": cid,
                    "name": self._meta.loc[cid, "name"],
                    "pieces": len(pieces),
                    "piece_countries": [" ".join(sorted(p)) for p in pieces],
                    "gap_km": round(topo.gap_km, 1),
                    "international": any(len(p) >= 2 for p in pieces),
                    "treatment": (
                        "pieces kept as drawn, each linking the countries of the stations it "
                        "reaches; pieces landing in the same country are joined through it"
                    ),
                }
            )
        table = pd.DataFrame(
            rows,
            columns=[
                "id",
                "name",
                "pieces",
                "piece_countries",
                "gap_km",
                "international",
                "treatment",
            ],
        )
        table.attrs.update(
            self._attrs("disconnected_cables", "Cables whose drawing is in several pieces")
        )
        return table


def _copy(frame):
    """A copy of a cached result the caller may change (list cells copied too)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and out[column].map(lambda v: isinstance(v, list)).any():
            out[column] = [list(v) if isinstance(v, list) else v for v in out[column]]
    out.attrs = copy.deepcopy(frame.attrs)  # sources are dicts in a list: copied too
    return out
