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
    """Return a boolean Series: which cables were supplied by HMN Tech under any of its names.

    The ``cables`` layer carries the answer in its ``is_hmn`` flag, set when the layer is
    built by :func:`dsrgeo.catalog.is_hmn_supplier`: one of the ``suppliers`` is in the
    catalog's alias table (HMN Tech, HMN Technologies, Huawei Marine, Huawei Marine
    Networks, ...), exactly as spelled there, not a substring. A frame without ``is_hmn``
    gets the same rule applied to its ``suppliers``.

    Parameters
    ----------
    cables : pandas.DataFrame
        With an ``is_hmn`` column (missing values count as False) or, failing that, a
        ``suppliers`` column of lists.

    Returns
    -------
    pandas.Series of bool

    Examples
    --------
    >>> import pandas as pd
    >>> hmn_mask(pd.DataFrame({"suppliers": [["HMN Tech"], ["SubCom"], []]})).tolist()
    [True, False, False]
    """
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

    Returns
    -------
    pandas.DataFrame

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
        Which cables to use. ``None``: all cables. ``"HMN"`` (any case): cables built by
        HMN Tech under any of its names, as :func:`hmn_mask` decides. Any other string:
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
        ``countries`` and ``is_hmn``. Countries landing only domestic cables are
        isolated nodes.

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

    graph = nx.Graph(suppliers=suppliers, as_of=as_of, cables={})
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
    ['CYP', 'DJI', 'EGY', 'FRA', 'IDN', 'KEN', 'KHM', 'LKA', 'MDV', 'MLT', 'MYS', 'OMN',
     'PNG', 'SAU', 'SGP', 'SOM', 'SYC', 'THA']

    Planned HMN cables (SEA-H2X, SIGMAR) would add China, Myanmar, the Philippines and
    Taiwan:

    >>> sorted(set(reachable_countries(cable_graph(suppliers="HMN"), "PAK"))
    ...        - set(reachable_countries(hmn_2022, "PAK")))
    ['CHN', 'MMR', 'PHL', 'TWN']
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


def _count_by_country(frame):
    """Count distinct features per ISO3 code in the ``countries`` list column."""
    if frame.empty:
        return pd.Series(dtype="int64")
    pairs = frame[["id", "countries"]].explode("countries").dropna().drop_duplicates()
    return pairs.groupby("countries")["id"].nunique()


def one_capital_per_country(capitals):
    """Keep one capital per country: the row without a ``capital_note``, else the first by id.

    Where a country has several capitals, the row without a note is the seat of government.

    Parameters
    ----------
    capitals : pandas.DataFrame
        With ``iso3``, ``id`` and ``capital_note`` columns (the ``beidou_capitals`` layer).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"iso3": ["BOL", "BOL"], "id": ["bol-la-paz", "bol-sucre"],
    ...                      "capital_note": [None, "official (constitutional) capital"]})
    >>> one_capital_per_country(rows)["id"].tolist()
    ['bol-la-paz']
    """
    order = capitals.assign(_noted=capitals["capital_note"].notna()).sort_values(
        ["iso3", "_noted", "id"]
    )
    return order.drop_duplicates("iso3").drop(columns="_noted")


def _beidou_columns():
    """Return the capital figures of the beidou_capitals layer by iso3."""
    capitals = loading.load(BEIDOU_LAYER)
    figures = [c for c in capitals.columns if c.startswith(("bds_", "gps_"))]
    capitals = one_capital_per_country(pd.DataFrame(capitals.drop(columns="geometry")))
    named = capitals.rename(columns={"name": "capital"})
    return named.set_index("iso3")[["capital", *figures]]


def indicators(*, as_of=None):
    """Return one row per country with its cable, BRI, Safe City and BeiDou indicators.

    Parameters
    ----------
    as_of : int, optional
        Year: the world at the end of that year (cables in service, BRI status and
        agreements as of then). Must lie in every layer's years (cables: 1989-2022).

    Returns
    -------
    geopandas.GeoDataFrame
        Country polygons of ``bri_countries`` (EPSG:4326), ``iso3`` unique, columns:

        ``iso3``, ``name``, ``geometry``
        ``cables_landing`` : int, cables on the map landing in the country.
        ``hmn_cables`` : int, of those, built by HMN Tech (:func:`hmn_mask`).
        ``hmn_share`` : float, ``hmn_cables / cables_landing`` (NaN with no cable).
        ``hmn_projects_off_map`` : int, HMN projects from the project list with no cable
        on the map that name the country.
        ``landing_points`` : int, landing points in the country (in service by ``as_of``).
        ``bri_status``, ``bri_year``, ``dsr_agreement_year``, ``standards_agreement_year``
        from ``bri_countries``.
        ``safe_cities`` : int, Safe City / smart-city rows for the country.
        ``capital`` and its figures (``bds_max``, ``bds_mean``, ``gps_max``, ``gps_mean``,
        ``bds_minus_gps_max``, ``bds_beats_gps``, ...: every ``bds_*`` / ``gps_*`` column)
        from the ``beidou_capitals`` layer; one capital per country, the seat of
        government where there are several. These are for the layer's own date, whatever
        ``as_of``.

        ``.attrs`` holds ``as_of``, the ``layers`` used and ``unmatched_iso3``: codes in
        the cable or Safe City data with no country polygon.

    Examples
    --------
    >>> table = indicators().set_index("iso3")
    >>> print(table.loc["PAK", "bri_status"], table.loc["PAK", "bri_year"])
    member 2013
    >>> bool(table.loc["PAK", "hmn_cables"] >= 1)
    True
    """
    load = loading.load
    countries = load("bri_countries", as_of=as_of)
    cables = load("cables", as_of=as_of)
    hmn = load("hmn_cables", as_of=as_of)
    points = load("landing_points", as_of=as_of)
    cities = load("safe_cities", as_of=as_of)

    landing = _count_by_country(cables)
    hmn_landing = _count_by_country(cables[hmn_mask(cables)])
    off_map = _count_by_country(hmn[hmn["origin"] == "project_list"])
    point_counts = points.groupby("iso3")["id"].nunique()
    city_counts = cities.groupby("iso3")["id"].nunique()

    table = (
        countries[
            [
                "iso3",
                "name",
                "bri_status",
                "bri_year",
                "dsr_agreement_year",
                "standards_agreement_year",
                "geometry",
            ]
        ]
        .drop_duplicates("iso3")
        .set_index("iso3", drop=False)
    )
    for column, counts in [
        ("cables_landing", landing),
        ("hmn_cables", hmn_landing),
        ("hmn_projects_off_map", off_map),
        ("landing_points", point_counts),
        ("safe_cities", city_counts),
    ]:
        table[column] = counts.reindex(table.index).fillna(0).astype("int64")
    table["hmn_share"] = table["hmn_cables"] / table["cables_landing"].where(
        table["cables_landing"] > 0
    )
    layers_used = [
        "bri_countries",
        "cables",
        "hmn_cables",
        "landing_points",
        "safe_cities",
        BEIDOU_LAYER,
    ]
    table = table.join(_beidou_columns(), how="left")

    order = [
        "iso3",
        "name",
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
    ]
    rest = [c for c in table.columns if c not in order and c != "geometry"]
    table = table[[*order, *rest, "geometry"]].reset_index(drop=True)
    known = set(table["iso3"])
    unmatched = sorted((set(landing.index) | set(city_counts.index) | set(off_map.index)) - known)
    table.attrs.update(as_of=as_of, layers=layers_used, unmatched_iso3=unmatched)
    return table
