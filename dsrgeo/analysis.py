"""Joins across layers: indicators per country and the graph of countries linked by cables.

The policy-brief check :func:`dsrgeo.claims` lives in :mod:`dsrgeo.brief`, which builds on
this module (never the reverse).
"""

import itertools
from collections.abc import Iterable

import pandas as pd

from dsrgeo import catalog, checks, loading, timeline
from dsrgeo.errors import ParameterError
from dsrgeo.text import did_you_mean

__all__ = [
    "BEIDOU_LAYER",
    "all_hmn_countries",
    "cable_graph",
    "hmn_mask",
    "indicators",
    "match_cables",
    "one_capital_per_country",
    "reachable_countries",
]

#: The optional layer of BeiDou / GPS visibility at national capitals.
BEIDOU_LAYER = "beidou_capitals"


# -- selecting cables -------------------------------------------------------------------


def hmn_mask(cables):
    """Return a boolean Series: which cables HMN Tech (Huawei Marine Networks) built.

    The layers carry the answer: ``hmn_built`` (``hmn_cables``) or ``hmn_status`` equal to
    ``"supplied"`` (``cables``), from the audited status table: a cable whose supplier field
    names HMN but whose status is disputed, or a project HMN was withdrawn from, does not
    count. A frame with neither column falls back on ``is_hmn``, then on its ``suppliers``
    matched exactly against the catalog's alias table
    (:func:`dsrgeo.catalog.is_hmn_supplier`).

    Parameters
    ----------
    cables : pandas.DataFrame
        With an ``hmn_built``, ``hmn_status`` or ``is_hmn`` column (missing values count as
        False) or, failing those, a ``suppliers`` column of lists.

    Returns
    -------
    pandas.Series of bool

    Examples
    --------
    >>> import pandas as pd
    >>> hmn_mask(pd.DataFrame({"suppliers": [["HMN Tech"], ["SubCom"], []]})).tolist()
    [True, False, False]
    """
    if "hmn_built" in cables.columns:
        return cables["hmn_built"].astype("boolean").fillna(False).astype(bool)
    if "hmn_status" in cables.columns:
        return pd.Series(cables["hmn_status"].to_numpy() == "supplied", index=cables.index)
    if "is_hmn" in cables.columns:
        return cables["is_hmn"].astype("boolean").fillna(False).astype(bool)
    return cables["suppliers"].map(catalog.is_hmn_supplier).astype(bool)


def match_cables(frame, text):
    """Return the rows whose ``name`` contains ``text`` (any case) or whose ``id`` is ``text``.

    Parameters
    ----------
    frame : pandas.DataFrame
        With ``id`` and ``name`` columns (the cables layer, :func:`dsrgeo.audit_lengths`).
    text : str
        Part of a name (``"peace"``) or a whole id (``"peace-cable"``).

    Returns
    -------
    pandas.DataFrame
        The matching rows of ``frame``.

    Raises
    ------
    ParameterError
        If nothing matches; close names are suggested.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"id": ["peace-cable", "ace"], "name": ["PEACE Cable", "ACE"]})
    >>> match_cables(table, "peace")["id"].tolist()
    ['peace-cable']
    """
    wanted = str(text).casefold()
    keep = frame["name"].astype(str).str.casefold().str.contains(wanted, regex=False) | (
        frame["id"] == text
    )
    if not keep.any():
        hint = did_you_mean(text, frame["name"].astype(str).tolist(), cutoff=0.4)
        raise ParameterError(f"no cable name contains {text!r}{hint}", parameter="cable")
    return frame[keep]


def _select_suppliers(cables, suppliers, as_of=None):
    """Filter ``cables`` (with a bool ``is_hmn`` column) to the suppliers asked for.

    See :func:`cable_graph`.
    """
    if suppliers is None:
        return cables
    if isinstance(suppliers, str):
        suppliers = [suppliers]
    elif not isinstance(suppliers, Iterable):
        raise ParameterError(
            f"expected None, 'HMN', a name or a list of names, got {suppliers!r}",
            parameter="suppliers",
        )
    wanted = [str(s) for s in suppliers]
    keep = pd.Series(False, index=cables.index)
    known = sorted({str(n) for names in cables["suppliers"] for n in (names or ())})
    known_folded = {n.casefold() for n in known}
    for name in wanted:
        if name.casefold() == "hmn":
            keep |= cables["is_hmn"]
            continue
        if name.casefold() not in known_folded:
            hint = did_you_mean(name, known)
            when = f" in service by the end of {as_of}" if as_of is not None else ""
            raise ParameterError(
                f"no cable{when} lists supplier {name!r}{hint} Pass 'HMN' for HMN Tech "
                "under all its names, or a name exactly as in the cables' `suppliers` column",
                parameter="suppliers",
            )
        folded = name.casefold()
        keep |= cables["suppliers"].map(
            lambda names, n=folded: any(str(x).casefold() == n for x in (names or ()))
        )
    return cables[keep]


# -- the country graph --------------------------------------------------------------------


def cable_graph(*, suppliers=None, as_of=None, cables=None):
    """Return the graph of countries linked by submarine cables.

    Every cable links each pair of the countries it lands in (a cable landing in n
    countries adds a clique of n nodes). Countries are ISO3 codes.

    Parameters
    ----------
    suppliers : None, str or list of str, optional
        Which cables to use. ``None``: all cables. ``"HMN"`` (any case): cables HMN Tech
        built, as :func:`hmn_mask` decides (the audited ``hmn_status`` ``supplied``; systems
        only awarded, withdrawn or disputed are left out). Any other string:
        cables listing that supplier exactly (case-insensitive), e.g. ``"SubCom"``,
        ``"Alcatel Submarine Networks"``, ``"NEC"``. A list: cables of any of them.
    as_of : int, optional
        Year: only cables in service by the end of that year (planned ones out).
    cables : geopandas.GeoDataFrame, optional
        Cables with ``id``, ``name``, ``suppliers``, ``countries`` (ISO3 lists),
        ``rfs_year``, ``is_planned`` and optionally ``is_hmn`` (see :func:`hmn_mask`);
        default: the shipped ``cables`` layer.

    Returns
    -------
    networkx.Graph
        Nodes: ISO3 codes. Edges carry ``cable_ids`` and ``names`` (sorted by id, aligned)
        and ``suppliers`` (sorted union). ``graph.graph`` holds ``suppliers``, ``as_of``
        and ``cables``: for every selected cable its ``name``, ``suppliers``,
        ``countries`` and ``is_hmn``, and ``provenance`` (sources, licence and attribution
        of the cable data). Countries landing only domestic cables are isolated nodes.

    Raises
    ------
    ParameterError
        If a supplier name matches no cable (close names are suggested).

    See Also
    --------
    reachable_countries, all_hmn_countries

    Examples
    --------
    >>> graph = cable_graph(suppliers="HMN")
    >>> graph.edges["PAK", "FRA"]["cable_ids"]
    ['peace-cable']
    >>> {"DJI", "EGY", "FRA", "KEN"} <= set(reachable_countries(graph, "PAK"))  # via PEACE
    True
    """
    import networkx as nx

    if cables is None:
        cables = loading.load("cables", as_of=as_of)
    elif as_of is not None:
        cables = cables[timeline.in_service(cables, checks.year(as_of))]
    selected = _select_suppliers(cables.assign(is_hmn=hmn_mask(cables)), suppliers, as_of)
    selected = selected.sort_values("id")

    graph = nx.Graph(
        suppliers=suppliers,
        as_of=as_of,
        cables={},
        provenance=catalog.provenance(["cables"], title="Countries linked by cables"),
    )
    for row in selected.itertuples(index=False):
        countries = sorted(set(row.countries or ()))
        graph.graph["cables"][row.id] = {
            "name": row.name,
            "suppliers": list(row.suppliers or ()),
            "countries": countries,
            "is_hmn": bool(row.is_hmn),
        }
        graph.add_nodes_from(countries)
        for a, b in itertools.combinations(countries, 2):
            if not graph.has_edge(a, b):
                graph.add_edge(a, b, cable_ids=[], names=[], suppliers=[])
            edge = graph.edges[a, b]
            edge["cable_ids"].append(row.id)
            edge["names"].append(row.name)
            edge["suppliers"] = sorted(set(edge["suppliers"]) | set(row.suppliers or ()))
    return graph


def _code(iso3):
    if not isinstance(iso3, str) or len(iso3) != 3 or not iso3.isalpha():
        raise ParameterError(
            f"expected an ISO 3166-1 alpha-3 country code such as 'PAK', got {iso3!r}",
            parameter="iso3",
        )
    return iso3.upper()


def reachable_countries(graph, iso3, *, max_hops=None):
    """Return the countries that ``iso3`` reaches over the cables in ``graph``.

    Parameters
    ----------
    graph : networkx.Graph
        From :func:`cable_graph`; e.g. ``cable_graph(suppliers="HMN")`` to use
        HMN-built cables alone.
    iso3 : str
        ISO 3166-1 alpha-3 code of the starting country (any case).
    max_hops : int, optional
        At most this many cable hops (1: countries sharing a cable with ``iso3``);
        default: any number of hops through other countries.

    Returns
    -------
    list of str
        Sorted ISO3 codes, without ``iso3`` itself; empty if ``iso3`` lands no cable in
        the graph.

    Examples
    --------
    Which countries can Pakistan reach over HMN-built cables alone? Directly, the other
    PEACE countries; through other countries, a chain of HMN cables around South-East Asia.
    With the cables in service at the end of 2022 (the data's date):

    >>> hmn_2022 = cable_graph(suppliers="HMN", as_of=2022)
    >>> reachable_countries(hmn_2022, "pak", max_hops=1)  # doctest: +NORMALIZE_WHITESPACE
    ['CYP', 'DJI', 'EGY', 'FRA', 'KEN', 'MDV', 'MLT', 'SAU', 'SGP', 'SOM', 'SYC']
    >>> reachable_countries(hmn_2022, "PAK")  # doctest: +NORMALIZE_WHITESPACE
    ['CYP', 'DJI', 'EGY', 'FRA', 'IDN', 'KEN', 'KHM', 'LKA', 'MDV', 'MLT', 'MYS', 'PNG',
     'SAU', 'SGP', 'SOM', 'SYC', 'THA']

    Systems HMN was only awarded by the data date (SEA-H2X, SIGMAR) are not HMN-built, so
    counting planned cables adds nobody; Gulf2Africa, whose HMN supply is disputed, is left
    out too (so Oman drops out of the reach):

    >>> sorted(set(reachable_countries(cable_graph(suppliers="HMN"), "PAK"))
    ...        - set(reachable_countries(hmn_2022, "PAK")))
    []
    """
    import networkx as nx

    code = _code(iso3)
    if code not in graph:
        return []
    hops = nx.single_source_shortest_path_length(graph, code, cutoff=max_hops)
    return sorted(node for node in hops if node != code)


def all_hmn_countries(graph=None):
    """Return the countries whose international cables are all HMN-built.

    Parameters
    ----------
    graph : networkx.Graph, optional
        An unfiltered :func:`cable_graph` (``suppliers=None``); default
        ``cable_graph()``. Only cables linking at least two countries count.

    Returns
    -------
    list of str
        Sorted ISO3 codes of countries with at least one international cable, every one
        of them built by HMN Tech (:func:`hmn_mask`).

    Raises
    ------
    ParameterError
        If ``graph`` was built with a supplier filter: the answer needs every cable.

    Examples
    --------
    Which countries' international cables are all HMN-built? Of the cables in service at
    the end of 2022, only Suriname's (the Suriname-Guyana system); counting planned cables
    too, none:

    >>> all_hmn_countries(cable_graph(as_of=2022))
    ['SUR']
    >>> all_hmn_countries()
    []
    """
    if graph is None:
        graph = cable_graph()
    if graph.graph.get("suppliers") is not None:
        raise ParameterError(
            f"all_hmn_countries needs the graph of all cables, got one filtered to "
            f"suppliers={graph.graph['suppliers']!r}; pass cable_graph() instead",
            parameter="graph",
        )
    cables = graph.graph["cables"]
    answer = []
    for node in graph.nodes:
        ids = {cid for _, _, ids in graph.edges(node, data="cable_ids") for cid in ids}
        if ids and all(cables[cid]["is_hmn"] for cid in ids):
            answer.append(node)
    return sorted(answer)


# -- indicators per country ---------------------------------------------------------------


def _count_by_country(frame, column="countries"):
    """Count distinct features per ISO3 code in a list column (``countries``...)."""
    if frame.empty:
        return pd.Series(dtype="int64")
    pairs = frame[["id", column]].explode(column).dropna().drop_duplicates()
    return pairs.groupby(column)["id"].nunique()


def one_capital_per_country(capitals):
    """Keep one capital per country: its seat of government (``role``), not the alternates.

    Parameters
    ----------
    capitals : pandas.DataFrame
        With ``iso3``, ``id`` and ``role`` columns (the ``beidou_capitals`` layer).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"iso3": ["BOL", "BOL"], "id": ["bol-la-paz", "bol-sucre"],
    ...                      "role": ["seat_of_government", "alternate"]})
    >>> one_capital_per_country(rows)["id"].tolist()
    ['bol-la-paz']
    """
    seats = capitals[capitals["role"] == "seat_of_government"]
    return seats.sort_values(["iso3", "id"]).drop_duplicates("iso3")


def _beidou_columns():
    """Return the capital figures of the beidou_capitals layer by iso3."""
    capitals = loading.load(BEIDOU_LAYER)
    figures = [c for c in capitals.columns if c.startswith(("bds_", "gps_"))]
    capitals = one_capital_per_country(pd.DataFrame(capitals.drop(columns="geometry")))
    named = capitals.rename(columns={"name": "capital"})
    return named.set_index("iso3")[["capital", *figures]]


#: The ways :func:`indicators` can count: per territory (Hong Kong on its own) or per state.
INDICATOR_FOOTINGS = ("territory", "sovereign")
#: What each indicator column means (shown as legend titles and labels on maps).
INDICATOR_COLUMNS = {
    "cables_landing": "Submarine cables landing (count)",
    "hmn_cables": "Cables HMN Tech built, landing (count)",
    "hmn_share": "Share of landing cables built by HMN Tech",
    "hmn_projects_off_map": "HMN projects not on the cable map (count)",
    "landing_points": "Cable landing points (count)",
    "safe_cities": "Safe City / surveillance deployments (count)",
    "bri_status": "BRI status",
    "bri_year": "Year the BRI document was signed",
    "clean_network": "Clean Network (US State Department)",
    "huawei_5g_restriction": "Huawei in 5G: restriction",
    "cloud_regions": "Chinese cloud regions open (count)",
}
#: HMN project statuses that count as projects HMN carried (not withdrawn, dropped, disputed)
HMN_PROJECT_STATUSES = ("supplied", "upgrade", "awarded")


def _rows(countries, by):
    """The table's rows: one per territory, or one per state (its territories merged)."""
    columns = [
        "iso3",
        "name",
        "sovereign_iso3",
        "bri_status",
        "bri_year",
        "dsr_agreement_year",
        "standards_agreement_year",
        "geometry",
    ]
    table = countries[columns].drop_duplicates("iso3")
    if by == "territory":
        return table.set_index("iso3", drop=False)
    table = table[table["sovereign_iso3"].notna()]
    own = table[table["iso3"] == table["sovereign_iso3"]].set_index("iso3")
    merged = table.dissolve(by="sovereign_iso3", as_index=True, aggfunc="first")
    merged = merged.assign(iso3=merged.index)
    for column in columns[1:-1]:
        if column != "sovereign_iso3":
            merged[column] = own[column].reindex(merged.index).combine_first(merged[column])
    merged["sovereign_iso3"] = merged.index
    return merged[columns].rename_axis(None).set_index("iso3", drop=False)


def indicators(*, as_of=None, by="territory"):
    """Return one row per country: cables, BRI, Safe Cities, the US answer, cloud, BeiDou.

    Parameters
    ----------
    as_of : int, optional
        Year: the world at the end of that year (cables in service, BRI status and
        agreements as of then). Must lie in every layer's years (cables: 1989-2022).
    by : {"territory", "sovereign"}, default "territory"
        ``"territory"``: one row per country or territory polygon, each with its own ISO code
        (Hong Kong ``HKG`` apart from China); ``"sovereign"``: one row per state, its
        territories merged in (a cable landing in Hong Kong lands in China; counted once).

    Returns
    -------
    geopandas.GeoDataFrame
        Country polygons of ``bri_countries`` (EPSG:4326), ``iso3`` unique, columns:

        ``iso3``, ``name``, ``sovereign_iso3``, ``geometry``
        ``cables_landing`` : int, cables on the map landing in the country.
        ``hmn_cables`` : int, of those, built by HMN Tech (:func:`hmn_mask`: status
        ``supplied``; withdrawn, dropped, awarded and disputed systems never count).
        ``hmn_share`` : float, ``hmn_cables / cables_landing`` (NaN with no cable).
        ``hmn_projects_off_map`` : int, HMN projects of the project list with no cable on the
        map that name the country, supplied, upgraded or awarded (not withdrawn or dropped).
        ``landing_points`` : int, landing points in the country (in service by ``as_of``).
        ``bri_status``, ``bri_year``, ``dsr_agreement_year``, ``standards_agreement_year``
        from ``bri_countries``.
        ``safe_cities`` : int, Safe City / surveillance deployment rows for the country.
        ``clean_network`` : str, the country's status in ``clean_network`` (member,
        unconfirmed, withdrawn, none).
        ``huawei_5g_restriction`` : str, its restriction in ``huawei_5g`` (ban, partial...;
        None: no position found in the sources).
        ``cloud_regions`` : int, open Alibaba, Huawei and Tencent Cloud regions there.
        ``capital`` and its figures (``bds_max``, ``bds_mean``, ``gps_max``, ``gps_mean``,
        ``bds_minus_gps_max``, ``bds_beats_gps``, ...: every ``bds_*`` / ``gps_*`` column)
        from the ``beidou_capitals`` layer; the seat of government of each country. These
        are for the layer's own date, whatever ``as_of``.

        ``.attrs`` holds the provenance of the layers used (:func:`dsrgeo.catalog.provenance`:
        sources, licences, attribution), ``as_of``, ``by``, ``columns`` (what each column
        means) and ``unmatched_iso3``: codes in the cable or Safe City data with no row.

    Raises
    ------
    ParameterError
        If ``by`` is not one of :data:`INDICATOR_FOOTINGS` or ``as_of`` is not a year.

    Examples
    --------
    >>> table = indicators().set_index("iso3")
    >>> print(table.loc["PAK", "bri_status"], table.loc["PAK", "bri_year"])
    member 2017
    >>> int(table.loc["HKG", "cables_landing"]) > 0  # Hong Kong counts on its own
    True
    >>> states = indicators(by="sovereign").set_index("iso3")
    >>> "HKG" in states.index, bool(states.loc["CHN", "cables_landing"] > table.loc["CHN", "cables_landing"])
    (False, True)
    """
    checks.choice(by, "by", INDICATOR_FOOTINGS)
    load = loading.load
    countries = load("bri_countries", as_of=as_of)
    cables = load("cables", as_of=as_of)
    hmn = load("hmn_cables", as_of=as_of)
    points = load("landing_points", as_of=as_of)
    cities = load("safe_cities", as_of=as_of)
    clean = load("clean_network", as_of=as_of).set_index("iso3")
    huawei = load("huawei_5g", as_of=as_of).set_index("iso3")
    regions = load("cloud_regions", as_of=as_of)
    regions = regions[regions["status"] == "open"]

    list_column = "countries" if by == "territory" else "sovereign_countries"
    sovereign = dict(zip(countries["iso3"], countries["sovereign_iso3"]))
    point_codes = points["iso3"] if by == "territory" else points["sovereign_iso3"]
    city_codes = (
        cities["iso3"]
        if by == "territory"
        else cities["iso3"].map(lambda code: sovereign.get(code) or code)
    )
    off_map = hmn[(hmn["origin"] == "project_list") & hmn["hmn_status"].isin(HMN_PROJECT_STATUSES)]

    landing = _count_by_country(cables, list_column)
    hmn_landing = _count_by_country(cables[hmn_mask(cables)], list_column)
    off_map_counts = _count_by_country(off_map, list_column)
    point_counts = points.groupby(point_codes)["id"].nunique()
    city_counts = cities.groupby(city_codes)["id"].nunique()
    region_codes = (
        regions["iso3"]
        if by == "territory"
        else regions["iso3"].map(lambda code: sovereign.get(code) or code)
    )
    region_counts = regions.groupby(region_codes)["id"].nunique()

    table = _rows(countries, by)
    for column, counts in [
        ("cables_landing", landing),
        ("hmn_cables", hmn_landing),
        ("hmn_projects_off_map", off_map_counts),
        ("landing_points", point_counts),
        ("safe_cities", city_counts),
        ("cloud_regions", region_counts),
    ]:
        table[column] = counts.reindex(table.index).fillna(0).astype("int64")
    # a state's own row decides (by="sovereign": not its territories')
    table["clean_network"] = clean["status"].reindex(table.index).fillna("none")
    table["huawei_5g_restriction"] = huawei["restriction"].reindex(table.index)
    table["hmn_share"] = table["hmn_cables"] / table["cables_landing"].where(
        table["cables_landing"] > 0
    )
    layers_used = [
        "bri_countries",
        "cables",
        "hmn_cables",
        "landing_points",
        "safe_cities",
        "clean_network",
        "huawei_5g",
        "cloud_regions",
        BEIDOU_LAYER,
    ]
    table = table.join(_beidou_columns(), how="left")

    order = [
        "iso3",
        "name",
        "sovereign_iso3",
        "cables_landing",
        "hmn_cables",
        "hmn_share",
        "hmn_projects_off_map",
        "landing_points",
        "bri_status",
        "bri_year",
        "dsr_agreement_year",
        "standards_agreement_year",
        "safe_cities",
        "clean_network",
        "huawei_5g_restriction",
        "cloud_regions",
    ]
    rest = [c for c in table.columns if c not in order and c != "geometry"]
    table = table[[*order, *rest, "geometry"]].reset_index(drop=True)
    known = set(table["iso3"])
    unmatched = sorted(
        (
            set(landing.index)
            | set(city_counts.index)
            | set(off_map_counts.index)
            | set(region_counts.index)
        )
        - known
    )
    title = "Indicators by country" if by == "territory" else "Indicators by state"
    table.attrs.update(
        catalog.provenance(layers_used, title=title),
        as_of=as_of,
        by=by,
        columns=dict(INDICATOR_COLUMNS),
        unmatched_iso3=unmatched,
    )
    return table
