"""The three questions asked of the shipped cable network: ``cut``, ``exposure``, ``bifurcation``.

Each builds (once per process and year) the :class:`~dsrgeo.network.model.Network` of the
shipped layers: the ``cables`` in service at the end of ``as_of`` (every cable on the map,
planned ones included, when ``as_of`` is None), their ``landing_points``, the
``bri_countries`` polygons for names, maps and land borders, the ``chokepoints`` and the
supplier and owner table.
"""

import csv
import functools

from dsrgeo import catalog, checks, loading, timeline
from dsrgeo.network.companies import with_company_source
from dsrgeo.network.model import Network, build_topologies

__all__ = [
    "LAYERS",
    "bifurcation",
    "cut",
    "disconnected_cables",
    "exposure",
    "load_network",
    "provenance",
]

#: The layers the network is built from (their provenance is in every result's ``attrs``).
LAYERS = ("cables", "landing_points", "bri_countries", "chokepoints")


def provenance(layer_ids=(), *, title=None):
    """Return the ``.attrs`` of a frame made from the network and, optionally, other layers.

    :func:`dsrgeo.catalog.provenance` of ``layer_ids`` and the network's :data:`LAYERS`, with
    the supplier and owner table
    (:data:`~dsrgeo.network.companies.COMPANY_SOURCE`) added to its sources, citation
    and attribution: every network result carries it, so a map or an export of one credits
    TeleGeography's cable data under its licence (CC BY-NC-SA).

    Parameters
    ----------
    layer_ids : iterable of str, optional
        Catalog layers used beside the network's (e.g. those of :func:`dsrgeo.indicators`).
    title : str, optional
        The frame's title.

    Returns
    -------
    dict
        As :func:`dsrgeo.catalog.provenance`: ``title``, ``layers``, ``sources``,
        ``licence``, ``licences``, ``attribution`` and ``citation``.

    Examples
    --------
    >>> attrs = provenance()
    >>> attrs["layers"] == list(LAYERS), "CC BY-NC-SA 3.0" in attrs["licences"]
    (True, True)
    """
    return with_company_source(catalog.provenance([*layer_ids, *LAYERS], title=title))


@functools.cache
def _shipped_topologies():
    cables = loading.load("cables")
    return build_topologies(cables, loading.load("landing_points"))


@functools.cache
def _shared_layers():
    countries = loading.load("bri_countries")[["iso3", "name", "geometry"]]
    countries = countries.drop_duplicates("iso3").reset_index(drop=True)
    chokepoints = loading.load("chokepoints")[["id", "name", "geometry"]]
    names_csv = catalog.sources_dir() / "policy" / "territories.csv"
    names = {}
    with open(names_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):  # the territory table's names, for codes NE lacks
            names.setdefault(row["iso3"], row["territory_name"])
    return countries, chokepoints, names


@functools.lru_cache(maxsize=64)
def _network(year):
    countries, chokepoints, names = _shared_layers()
    return Network(
        loading.load("cables", as_of=year),
        loading.load("landing_points"),
        countries=countries,
        chokepoints=chokepoints,
        names=names,
        topologies=_shipped_topologies(),
        as_of=year,
        provenance=provenance(),
    )


def load_network(*, as_of=None):
    """Return the :class:`~dsrgeo.network.model.Network` of the shipped layers.

    Parameters
    ----------
    as_of : int, optional
        The cables in service at the end of that year (1989-2022, the cable data's years);
        None: every cable on the map, planned ones included.

    Returns
    -------
    Network
        Built once per process and year; it does not change.

    Raises
    ------
    AsOfOutOfRangeError
        If ``as_of`` is outside the cable data's years.
    ParameterError
        If ``as_of`` is not a year.

    Examples
    --------
    >>> load_network(as_of=2022).min_cut("TON")
    (1, ['tonga-cable'])
    """
    year = None if as_of is None else checks.year(as_of)
    if year is not None:
        timeline.check_as_of(catalog.get("cables"), year)
    return _network(year)


def cut(cables=None, *, at=None, radius_km=50.0, as_of=None, terrestrial=False):
    """Cut cables, whole or at a place, and return what every country keeps by sea.

    Parameters
    ----------
    cables : str or list of str, optional
        Cables by id, full name (any case) or the abbreviation ending the name in
        parentheses (``"ACE"``, ``"SAT-3/WASC"``, ``"peace-cable"``). Without ``at``, each
        is cut along its whole length.
    at : (float, float), shapely geometry, row or str, optional
        A place: ``(lon, lat)`` degrees, a shapely geometry, a row or frame with a geometry
        (``dsrgeo.load("chokepoints").set_index("id").loc["bab_el_mandeb"]``), or the id or
        name of a chokepoint (``"bab_el_mandeb"``: its polygon). Every cable
        link within ``radius_km`` of it is cut there: each side of the fault keeps the
        landing points it still reaches. With ``cables`` too, only those cables are cut
        (each must pass within ``radius_km``).
    radius_km : float, default 50.0
        How far from ``at`` the fault reaches (geodesic; 0: only links touching ``at``).
    as_of : int, optional
        The network at the end of that year (1989-2022); None: every cable on the map,
        planned ones included.
    terrestrial : bool, default False
        Also report reach over land borders between neighbouring countries (Natural Earth
        polygons of ``bri_countries``), an assumption: ``reach_after_with_land`` and
        ``isolated_with_land``. The "by sea" columns never use land links.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per country or territory landing an international cable in the network
        (codes as the ``landing_points`` layer gives them), sorted by ``iso3``, with its
        country polygon where ``bri_countries`` has one:

        ``iso3``, ``name``
        ``international_cables_before`` / ``_after`` : int, cables with a piece linking the
        country to another country, before and after the cut.
        ``isolated_by_sea`` : bool, no sea path left to any other country.
        ``cables_cut`` : list of str, ids of the cut cables that land in the country.
        ``reach_before`` / ``reach_after`` : int, other countries of these rows reachable by
        sea (through any number of countries and cables).
        ``reach_lost_share`` : float, ``1 - reach_after / reach_before``: the share of
        its reach it lost.

        ``.attrs`` holds ``cables_cut`` (every cable cut), ``at``, ``radius_km``, ``region``
        (the area cut, a polygon), ``as_of``, ``terrestrial``, ``title`` and the
        provenance of the network's layers (:func:`provenance`: ``layers``, ``sources``,
        ``licence``, ``licences``, ``attribution``, ``citation``), as every network
        result does.

    Raises
    ------
    ParameterError
        If nothing is given to cut, a cable name matches no cable (close names are
        suggested) or several, a cable given with ``at`` passes nowhere near it, ``at`` is
        not a place in lon/lat, or ``radius_km`` is not a distance in [0, 20000].
    AsOfOutOfRangeError
        If ``as_of`` is outside the cable data's years.

    See Also
    --------
    exposure : the fewest faults that cut each country off.
    dsrgeo.Map.add_scenario : a map of the result.

    Notes
    -----
    A topology model: it says which countries keep *a* sea path, not how much capacity is
    left, how traffic is routed, or what satellite and terrestrial links take over.
    Countries are nodes, so a path may land in a country and leave it by another of its
    landing stations (its domestic backhaul is assumed). How a cable's drawing becomes a
    topology is in :mod:`dsrgeo.network.topology`.

    Examples
    --------
    The ACE cut of 30 March 2018 off Nouakchott: ACE was Mauritania's only cable.

    >>> table = cut("ACE", as_of=2017).set_index("iso3")
    >>> bool(table.loc["MRT", "isolated_by_sea"]), int(table.loc["MRT", "reach_before"]) > 100
    (True, True)
    >>> bool(table.loc["SEN", "isolated_by_sea"])  # Senegal lands other cables
    False

    Cutting at a place with a chokepoint polygon:

    >>> import dsrgeo
    >>> bab = dsrgeo.load("chokepoints").set_index("id").loc["bab_el_mandeb"]
    >>> len(cut(at=bab, radius_km=0, as_of=2022).attrs["cables_cut"])
    12
    """
    return load_network(as_of=as_of).cut(
        cables, at=at, radius_km=radius_km, terrestrial=terrestrial
    )


def exposure(*, as_of=None):
    """Return, per country, how exposed its sea links are: faults, chokepoints, suppliers.

    Parameters
    ----------
    as_of : int, optional
        The network at the end of that year (1989-2022); None: every cable on the map,
        planned ones included.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per country or territory landing an international cable (as :func:`cut`),
        with its polygon where ``bri_countries`` has one; ``Map().add(table,
        color_by="min_cables_to_isolate")`` draws it as a choropleth.

        ``international_cables`` : int, cables with a piece linking it to another country.
        ``landing_stations`` : int, its landing points on those cables.
        ``min_cables_to_isolate`` : int, the fewest cable faults that leave it no sea path
        to any other country: a max-flow/min-cut over the links of its cables, where a
        fault breaks one link (a chain of the drawing between junctions, or the shore end
        joining a station to it) as ``cut(at=...)`` does. At least
        ``international_cables`` (each needs one fault); more where a cable reaches the
        country at stations that no single fault separates from the rest of the cable
        (e.g. at both ends of a trunk that also lands elsewhere), at most one per station.
        ``min_cut_cables`` : list of str, the cable of each fault in one such cut.
        ``share_hmn`` : float, share of its international cables HMN Tech built, by the
        audited status as everywhere in dsrgeo (:func:`dsrgeo.analysis.hmn_mask`: a cable
        whose status is disputed, or that HMN was only awarded, does not count), so it
        matches :func:`dsrgeo.alignment`'s ``hmn_international_share``.
        ``share_subcom``, ``share_asn``, ``share_nec`` : float, shares listing that
        supplier; ``share_other_supplier`` (another supplier than the four),
        ``share_unknown_supplier`` (none named). A cable with several suppliers counts for
        each, so these may add up to more than 1.
        ``share_chinese_state_carrier`` : float, share with China Telecom, China Mobile or
        China Unicom among the owners (the table flags no other company).
        ``share_via_<chokepoint>`` : float, per chokepoint polygon of the ``chokepoints``
        layer, the share of its international cables whose drawn route crosses it;
        ``top_chokepoint`` and ``top_chokepoint_share``: the largest (None if none).

        ``.attrs["chokepoint_cables"]`` lists the cables crossing each chokepoint; ``.attrs``
        also holds the network's provenance (:func:`provenance`).

    Raises
    ------
    AsOfOutOfRangeError, ParameterError
        As :func:`load_network`.

    Notes
    -----
    The chokepoint polygons are derived (the geodesic circle of half the narrowest cited
    width around the cited centre), and the cable routes are stylised drawings: a share is
    what the drawing crosses, not a survey. Suppliers and owners are matched by name to
    the cited table; a company missing from it counts as unknown.

    Examples
    --------
    >>> table = exposure(as_of=2022).set_index("iso3")
    >>> int(table.loc["TON", "min_cables_to_isolate"]), table.loc["TON", "min_cut_cables"]
    (1, ['tonga-cable'])
    >>> float(table.loc["PAK", "share_via_bab_el_mandeb"]) > 0.5
    True
    """
    return load_network(as_of=as_of).exposure()


def bifurcation(*, as_of=None, terrestrial=False):
    """Return, per country, whether it reaches each side's core without the other's cables.

    A *Chinese* cable lists a supplier or an owner whose home country is China (CHN) in the
    cited table (HMN Tech; China Telecom, China Mobile, China Unicom); a *US* cable one
    whose home is the United States (SubCom and the US owners). A cable can be both.

    Parameters
    ----------
    as_of : int, optional
        The network at the end of that year (1989-2022); None: every cable on the map.
    terrestrial : bool, default False
        Also report the answers with land borders between neighbours (an assumption), in
        ``*_with_land`` columns.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per country or territory landing an international cable (as :func:`cut`):
        ``international_cables``, ``chinese_cables``, ``us_cables`` (of its international
        cables), ``reach_all`` (other countries reachable with every cable),
        ``reaches_usa_without_chinese`` (nullable bool: a sea path to USA with every
        Chinese cable removed; NA for USA itself), ``reach_without_chinese`` (other
        countries still reachable so), ``reaches_chn_without_us`` and
        ``reach_without_us`` (the same to CHN without the US cables).

        ``.attrs`` lists ``chinese_cable_ids`` and ``us_cable_ids`` and holds the network's
        provenance (:func:`provenance`).

    Notes
    -----
    USA and CHN are the codes the ``landing_points`` layer gives: Puerto Rico, Guam or Hong
    Kong count as part of them only while the layer codes them so. Owners not in the table
    count as neither side's, so the Chinese and US sets are lower bounds.

    Examples
    --------
    >>> table = bifurcation(as_of=2022).set_index("iso3")
    >>> bool(table.loc["JPN", "reaches_usa_without_chinese"])
    True
    """
    return load_network(as_of=as_of).bifurcation(terrestrial=terrestrial)


def disconnected_cables(*, as_of=None):
    """Return the cables whose drawing does not connect all their landing points.

    Their pieces are kept as drawn, each linking the countries of the stations it reaches,
    and are joined only through the countries they land in (a country being one node).

    Parameters
    ----------
    as_of : int, optional
        The network at the end of that year (1989-2022); None: every cable on the map.

    Returns
    -------
    pandas.DataFrame
        See :meth:`~dsrgeo.network.model.Network.disconnected_cables` for the columns;
        ``.attrs`` holds the network's provenance (:func:`provenance`).

    Examples
    --------
    >>> table = disconnected_cables().set_index("id")
    >>> table.loc["falcon", "piece_countries"][1]
    'IND LKA MDV'
    """
    return load_network(as_of=as_of).disconnected_cables()
