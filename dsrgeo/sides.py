"""Which countries line up on which side: the alignment table and its optional score.

:func:`alignment` sets the components side by side, one row per country: what China offers
(BRI and Digital Silk Road agreements, standards agreements, Safe City projects, Chinese
cloud regions, cables HMN Tech built) and what the United States asked for (Clean Network
membership, restrictions on Huawei in 5G), with BeiDou's advantage over GPS at the capital
and the exposure of its sea links (:func:`dsrgeo.network.exposure` and
:func:`~dsrgeo.network.bifurcation`) beside them. Every column comes from a cited layer (:func:`dsrgeo.indicators` and the layers
it joins); nothing is inferred for a country no source names.

The composite ``alignment_score`` is optional reading, not a finding: each component is
turned into a number in [-1, 1] (:data:`COMPONENTS`) and averaged with weights that are
parameters (:data:`DEFAULT_WEIGHTS`, all documented). :func:`alignment_sensitivity` says how
many countries change side when each weight moves, so a reader can see how much the sides
depend on the weights. BeiDou's advantage is left out of the score: it is geometry (where
the satellites are), not a choice a country made.
"""

import copy
import math
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from dsrgeo import analysis, catalog, checks, loading, network
from dsrgeo.errors import ParameterError

__all__ = [
    "COMPONENTS",
    "COMPONENT_LABELS",
    "DEFAULT_WEIGHTS",
    "RESTRICTION_VALUES",
    "SIDES",
    "alignment",
    "alignment_sensitivity",
]

#: The score's value of each Huawei 5G restriction (toward the US answer: negative).
RESTRICTION_VALUES = MappingProxyType(
    {
        "ban": -1.0,
        "partial": -0.5,
        "informal_exclusion": -0.5,
        "pledge": -0.5,
        "warning": -0.25,
        "under_review": 0.0,
        "none": 0.0,
    }
)

#: The score's components: name -> what turns into its value (China's side positive).
COMPONENTS = MappingProxyType(
    {
        "bri": "+1 for a BRI member or its initiator (exited or never: 0)",
        "dsr_agreement": "+1 with a Digital Silk Road / digital-economy agreement",
        "standards_agreement": "+1 with a standardisation agreement with China",
        "safe_city": "+1 with a Safe City project deployed or agreed",
        "cloud_region": "+1 with an open Alibaba, Huawei or Tencent Cloud region",
        "hmn_cables": "the share of its international cables HMN Tech built (0 to 1)",
        "clean_network": "-1 for a Clean Network member",
        "huawei_5g": "the restriction's value in RESTRICTION_VALUES (ban -1 ... none 0)",
    }
)

#: A short name in words for each component (report tables, legends).
COMPONENT_LABELS = MappingProxyType(
    {
        "bri": "BRI member",
        "dsr_agreement": "Digital Silk Road agreement",
        "standards_agreement": "Standards agreement with China",
        "safe_city": "Safe City project",
        "cloud_region": "Chinese cloud region",
        "hmn_cables": "HMN-built share of international cables",
        "clean_network": "Clean Network member",
        "huawei_5g": "Huawei 5G restriction",
    }
)

#: Default weights of the components. Equal, except the two that are commercial more than
#: political: a cloud region (providers open them in the US and the EU too) and a standards
#: agreement (often one clause of a wider memorandum) count half.
DEFAULT_WEIGHTS = MappingProxyType(
    {
        "bri": 1.0,
        "dsr_agreement": 1.0,
        "standards_agreement": 0.5,
        "safe_city": 1.0,
        "cloud_region": 0.5,
        "hmn_cables": 1.0,
        "clean_network": 1.0,
        "huawei_5g": 1.0,
    }
)

#: The sides a score gives: above zero, below zero, exactly zero.
SIDES = ("china", "us", "neither")

#: What each column of :func:`alignment` means (legend titles and labels on maps).
ALIGNMENT_COLUMNS = {
    "bri_status": "BRI status",
    "bri_year": "Year the BRI document was signed",
    "dsr_agreement_year": "First Digital Silk Road agreement (year)",
    "standards_agreement_year": "First standards agreement with China (year)",
    "safe_city_projects": "Safe City projects deployed or agreed (count)",
    "cloud_regions": "Chinese cloud regions open (count)",
    "international_cables": "International cables landing (count)",
    "hmn_international_cables": "International cables built by HMN Tech (count)",
    "hmn_international_share": "Share of international cables built by HMN Tech",
    "clean_network": "Clean Network (US State Department)",
    "clean_network_joined": "Joined the Clean Network",
    "huawei_5g_restriction": "Huawei in 5G: restriction",
    "huawei_5g_restriction_date": "Huawei 5G restriction since",
    "capital": "Capital (seat of government)",
    "bds_minus_gps_max": "BeiDou minus GPS satellites in view at the capital (daily max)",
    "min_cables_to_isolate": "Fewest cable faults that cut all its sea paths",
    "share_chinese_cables": "Share of international cables with a Chinese supplier or owner",
    "reaches_usa_without_chinese": "Reaches the US by sea without Chinese cables",
    "reaches_chn_without_us": "Reaches China by sea without US cables",
    "top_chokepoint": "Strait most of its international cables cross",
    "top_chokepoint_share": "Share of its international cables crossing that strait",
    "alignment_score": "Alignment score (China's offers +, the US answer -; weights as given)",
    "side": "Side of the score: china (> 0), us (< 0), neither (0)",
}
#: Colours a map of the table uses by default (``Map().add(alignment(), color_by=...)``):
#: purple for the US answer, orange for China's offers (ColorBrewer PuOr, safe for the
#: common colour-vision deficiencies).
ALIGNMENT_STYLES = {
    "side": {
        "categories": {"china": "#e66101", "neither": "#d9d9d9", "us": "#5e3c99"},
        "category_labels": {
            "china": "Leans to China's offers",
            "neither": "Neither (score 0)",
            "us": "Leans to the US answer",
        },
    },
    "alignment_score": {
        "palette": ["#5e3c99", "#b2abd2", "#f7f7f7", "#fdb863", "#e66101"],
        "value_range": [-1.0, 1.0],  # alignment() narrows it to the data, symmetric about 0
    },
}
#: What a map's popup of the table shows by default, components first.
ALIGNMENT_POPUP = (
    "name",
    "bri_status",
    "bri_year",
    "dsr_agreement_year",
    "standards_agreement_year",
    "safe_city_projects",
    "cloud_regions",
    "hmn_international_share",
    "clean_network",
    "clean_network_joined",
    "huawei_5g_restriction",
    "huawei_5g_restriction_date",
    "bds_minus_gps_max",
    "min_cables_to_isolate",
    "alignment_score",
    "side",
)
#: Short labels a map's tooltip and popup show for the table's columns.
ALIGNMENT_LABELS = {
    "bri_status": "BRI",
    "bri_year": "BRI document signed",
    "dsr_agreement_year": "Digital Silk Road agreement",
    "standards_agreement_year": "Standards agreement",
    "safe_city_projects": "Safe City projects",
    "cloud_regions": "Chinese cloud regions",
    "hmn_international_share": "International cables by HMN Tech",
    "clean_network": "Clean Network",
    "clean_network_joined": "Joined the Clean Network",
    "huawei_5g_restriction": "Huawei in 5G",
    "huawei_5g_restriction_date": "Restricted since",
    "bds_minus_gps_max": "BeiDou minus GPS at the capital",
    "min_cables_to_isolate": "Faults to cut all sea paths",
    "alignment_score": "Score (weights as given)",
    "side": "Side of the score",
}
#: What :func:`alignment`'s ``attrs`` hold for a map of its countries (or a reader of its
#: columns), which :func:`alignment_sensitivity`'s table of components does not take on.
MAP_ONLY_ATTRS = ("columns", "styles", "popup", "labels", "formats")
#: Safe City statuses that count as a project (proposed and cancelled ones do not).
SAFE_CITY_PROJECT_STATUSES = ("deployed", "agreed")


def _weights(weights):
    """Return the full weight table: the defaults, updated with ``weights``."""
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, Mapping):  # a dict, or DEFAULT_WEIGHTS (a mappingproxy)
        raise ParameterError(
            f"expected a dict (or other mapping) {{component: weight}}, got "
            f"{type(weights).__name__}",
            parameter="weights",
        )
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown:
        raise ParameterError(
            f"unknown component(s) {unknown}; expected some of {list(COMPONENTS)}",
            parameter="weights",
        )
    table = dict(DEFAULT_WEIGHTS)
    for name, value in weights.items():
        number = checks.number(value, f"weights[{name!r}]")
        if not math.isfinite(number) or number < 0:
            raise ParameterError(
                f"weights[{name!r}]: expected a finite number >= 0, got {value!r}",
                parameter="weights",
            )
        table[name] = number
    if sum(table.values()) <= 0:
        raise ParameterError("at least one weight must be above 0", parameter="weights")
    return table


def _component_values(table):
    """Return a DataFrame of each component's value per row, in [-1, 1]."""
    restriction = table["huawei_5g_restriction"].map(RESTRICTION_VALUES)
    values = {
        "bri": table["bri_status"].isin(["member", "initiator"]).astype(float),
        "dsr_agreement": table["dsr_agreement_year"].notna().astype(float),
        "standards_agreement": table["standards_agreement_year"].notna().astype(float),
        "safe_city": (table["safe_city_projects"] > 0).astype(float),
        "cloud_region": (table["cloud_regions"] > 0).astype(float),
        "hmn_cables": table["hmn_international_share"].fillna(0.0).astype(float),
        "clean_network": -(table["clean_network"] == "member").astype(float),
        "huawei_5g": pd.to_numeric(restriction, errors="coerce").fillna(0.0),
    }
    return pd.DataFrame(values, index=table.index)


def _score(values, weights):
    """Return (score, side) Series: the weighted mean of the components and its sign."""
    w = pd.Series(weights).reindex(values.columns)
    score = (values * w).sum(axis=1) / w.sum()
    score = score.round(12)  # exact zeros stay zeros whatever the order of the sum
    side = np.select([score > 0, score < 0], ["china", "us"], default="neither")
    return score, pd.Series(side, index=values.index)


def _international(cables, column):
    """Count international cables (landing in two or more codes) per code, and HMN's."""
    multi = cables[cables[column].map(lambda codes: len(set(codes)) >= 2)]
    total = analysis._count_by_country(multi, column)
    hmn = analysis._count_by_country(multi[analysis.hmn_mask(multi)], column)
    return total, hmn


def alignment(*, as_of=None, by="territory", weights=None):
    """Return one row per country with the components of its alignment side by side.

    Parameters
    ----------
    as_of : int, optional
        Year: each layer at the end of that year (as :func:`dsrgeo.indicators`; the Clean
        Network, which ended in January 2021, keeps its last state in later years).
    by : {"territory", "sovereign"}, default "territory"
        One row per territory (Hong Kong apart from China) or per state.
    weights : dict or other mapping, optional
        ``{component: weight}`` for the score, each a number >= 0; components not given keep
        :data:`DEFAULT_WEIGHTS` (which may itself be given, or a changed copy of it). See
        :data:`COMPONENTS` for what each component is.

    Returns
    -------
    geopandas.GeoDataFrame
        The country polygons of :func:`dsrgeo.indicators` (EPSG:4326), ``iso3`` unique, with
        ``iso3``, ``name``, ``sovereign_iso3``; China's offers: ``bri_status``, ``bri_year``,
        ``dsr_agreement_year``, ``standards_agreement_year``, ``safe_city_projects``
        (deployed or agreed), ``cloud_regions`` (open), ``international_cables``,
        ``hmn_international_cables``, ``hmn_international_share`` (NaN without an
        international cable); the US answer: ``clean_network``, ``clean_network_joined``,
        ``huawei_5g_restriction`` (None: no position found), ``huawei_5g_restriction_date``;
        beside them ``capital`` and ``bds_minus_gps_max``, and the exposure of its sea
        links: ``min_cables_to_isolate``, ``top_chokepoint``, ``top_chokepoint_share`` (from
        :func:`dsrgeo.network.exposure`), ``share_chinese_cables``,
        ``reaches_usa_without_chinese``, ``reaches_chn_without_us`` (from
        :func:`dsrgeo.network.bifurcation`; NA for a country with no international cable and
        for the side's own core); by state, a state's own code's figures. Then
        ``alignment_score`` (the weighted mean of the components, in [-1, 1]) and ``side``
        (:data:`SIDES`). The exposure figures are not in the score.

        ``.attrs`` holds the provenance of every layer used, the network's included
        (:func:`dsrgeo.network.provenance`: sources, licences, credit),
        ``as_of``, ``by``, ``weights``, ``columns`` (what each column means), ``styles``
        (the colours a map of ``side`` and ``alignment_score`` uses by default), ``popup``,
        ``labels`` and ``formats`` (what a map's popup shows by default, and how).

    Raises
    ------
    ParameterError
        For a ``by`` or ``as_of`` that is not allowed, or weights that are not
        ``{component: number >= 0}`` with one above 0.

    Examples
    --------
    >>> table = alignment().set_index("iso3")
    >>> table.loc["POL", ["bri_status", "clean_network", "huawei_5g_restriction"]].tolist()
    ['member', 'member', 'partial']
    >>> table.loc["USA", "side"], table.loc["PAK", "side"]
    ('us', 'china')
    """
    checks.choice(by, "by", analysis.INDICATOR_FOOTINGS)
    table_weights = _weights(weights)
    base = analysis.indicators(as_of=as_of, by=by).set_index("iso3", drop=False)
    load = loading.load
    sovereign = dict(zip(base["iso3"], base["sovereign_iso3"]))

    cities = load("safe_cities", as_of=as_of)
    cities = cities[cities["status"].isin(SAFE_CITY_PROJECT_STATUSES)]
    city_codes = cities["iso3"] if by == "territory" else cities["iso3"].map(sovereign.get)
    projects = cities.groupby(city_codes)["id"].nunique()

    cables = load("cables", as_of=as_of)
    column = "countries" if by == "territory" else "sovereign_countries"
    international, hmn = _international(cables, column)

    clean = load("clean_network", as_of=as_of).set_index("iso3")
    huawei = load("huawei_5g", as_of=as_of).set_index("iso3")

    table = base[["iso3", "name", "sovereign_iso3"]].copy()
    for name in ("bri_status", "bri_year", "dsr_agreement_year", "standards_agreement_year"):
        table[name] = base[name]
    table["safe_city_projects"] = projects.reindex(table.index).fillna(0).astype("int64")
    table["cloud_regions"] = base["cloud_regions"]
    table["international_cables"] = international.reindex(table.index).fillna(0).astype("int64")
    table["hmn_international_cables"] = hmn.reindex(table.index).fillna(0).astype("int64")
    table["hmn_international_share"] = table["hmn_international_cables"] / table[
        "international_cables"
    ].where(table["international_cables"] > 0)
    table["clean_network"] = base["clean_network"]
    table["clean_network_joined"] = clean["joined_date"].reindex(table.index)
    table["huawei_5g_restriction"] = base["huawei_5g_restriction"]
    table["huawei_5g_restriction_date"] = huawei["restriction_date"].reindex(table.index)
    for name in ("capital", "bds_minus_gps_max"):  # indicators() always joins BeiDou's
        table[name] = base[name]
    _join_network(table, as_of)
    score, side = _score(_component_values(table), table_weights)
    table["alignment_score"] = score
    table["side"] = side
    table["geometry"] = base.geometry
    result = base.__class__(table.reset_index(drop=True), geometry="geometry", crs=base.crs)
    title = "Alignment by country" if by == "territory" else "Alignment by state"
    result.attrs.update(
        # the layers indicators() used and the network's (chokepoints, supplier table)
        network.provenance(base.attrs["layers"], title=title),
        as_of=as_of,
        by=by,
        weights=table_weights,
        columns=dict(ALIGNMENT_COLUMNS),
        styles=_styles(score),
        popup=list(ALIGNMENT_POPUP),
        labels=dict(ALIGNMENT_LABELS),
        formats=_formats(),
    )
    return result


def _formats():
    """How a map shows the table's values: category codes in the layers' words, dates."""
    words = {
        column: _layer_words(layer_id, field)
        for column, layer_id, field in (
            ("clean_network", "clean_network", "status"),
            ("huawei_5g_restriction", "huawei_5g", "restriction"),
            ("bri_status", "bri_countries", "bri_status"),
        )
    }
    words["side"] = dict(ALIGNMENT_STYLES["side"]["category_labels"])
    return {
        **words,
        "clean_network_joined": "date",
        "huawei_5g_restriction_date": "date",
        "hmn_international_share": "percent",
    }


def _layer_words(layer_id, field):
    """{code: words} of a layer's column as that layer's own map shows it (catalog ``map``).

    As :class:`dsrgeo.maps.MapLayer` reads the block: the legend's ``category_labels`` of
    the column it colours by, then the popup's ``formats`` of the column, so a country reads
    the same on the alignment map as on the layer's.
    """
    block = catalog.get(layer_id).map
    words = {}
    if block.get("color_by") == field:
        words.update(block.get("category_labels") or {})
    fmt = (block.get("formats") or {}).get(field)
    if isinstance(fmt, dict):
        words.update(fmt)
    return words


def _styles(score):
    """:data:`ALIGNMENT_STYLES`, the score's scale symmetric about 0 over the data's range."""
    styles = copy.deepcopy(ALIGNMENT_STYLES)
    bound = max(0.1, math.ceil(float(score.abs().max()) * 10) / 10)
    styles["alignment_score"]["value_range"] = [-bound, bound]
    return styles


def _join_network(table, as_of):
    """Add the exposure and bifurcation figures by code (NA where a code has no row)."""
    exposure = network.exposure(as_of=as_of).set_index("iso3")
    split = network.bifurcation(as_of=as_of).set_index("iso3")
    codes = table.index
    table["min_cables_to_isolate"] = (
        exposure["min_cables_to_isolate"].reindex(codes).astype("Int64")
    )
    chinese = split["chinese_cables"] / split["international_cables"].where(
        split["international_cables"] > 0
    )
    table["share_chinese_cables"] = chinese.reindex(codes)
    for name in ("reaches_usa_without_chinese", "reaches_chn_without_us"):
        table[name] = split[name].reindex(codes).astype("boolean")
    table["top_chokepoint"] = exposure["top_chokepoint"].reindex(codes)
    table["top_chokepoint_share"] = exposure["top_chokepoint_share"].reindex(codes)


def alignment_sensitivity(*, as_of=None, by="territory", weights=None, factors=(0.0, 0.5, 2.0)):
    """Count the countries that change side when each weight of the score moves.

    Each component's weight is multiplied by each factor in turn (the others kept), the
    score recomputed, and the countries whose :data:`SIDES` value differs from the one with
    ``weights`` counted. A component whose moves change few sides does not decide many.

    Parameters
    ----------
    as_of, by, weights
        As for :func:`alignment` (``weights`` is the starting point).
    factors : sequence of float, default (0.0, 0.5, 2.0)
        What each weight is multiplied by (0 drops the component). Each a finite number
        >= 0.

    Returns
    -------
    pandas.DataFrame
        One row per component: ``component``, ``meaning``, ``weight``, then for each factor
        ``f`` a column ``"changes at f x"`` (int: countries changing side) and, in ``.attrs``,
        ``changed``: {(component, factor): [iso3, ...]}, the provenance of
        :func:`alignment` (layers, sources, licences, citation), its ``as_of``, ``by`` and
        ``weights``; not its map settings (:data:`MAP_ONLY_ATTRS`): this is no table of
        countries.

    Raises
    ------
    ParameterError
        For arguments :func:`alignment` refuses, or a factor that is not a number >= 0.

    Examples
    --------
    >>> moves = alignment_sensitivity(factors=(0.0,))
    >>> list(moves.columns)
    ['component', 'meaning', 'weight', 'changes at 0 x']
    >>> int(moves.set_index("component").loc["bri", "changes at 0 x"]) > 0
    True
    """
    if isinstance(factors, str | bytes) or not hasattr(factors, "__iter__"):
        raise ParameterError(
            f"expected a sequence of numbers, got {factors!r}", parameter="factors"
        )
    factors = [checks.number(f, "factors") for f in factors]
    if not factors or any(not math.isfinite(f) or f < 0 for f in factors):
        raise ParameterError(
            f"expected one or more finite numbers >= 0, got {factors!r}", parameter="factors"
        )
    table = alignment(as_of=as_of, by=by, weights=weights)
    start = table.attrs["weights"]
    frame = table.set_index("iso3")
    values = _component_values(frame)
    rows, changed = [], {}
    for component, meaning in COMPONENTS.items():
        row = {"component": component, "meaning": meaning, "weight": start[component]}
        for factor in factors:
            moved = dict(start, **{component: start[component] * factor})
            if sum(moved.values()) <= 0:
                row[f"changes at {factor:g} x"] = pd.NA
                continue
            _, side = _score(values, moved)
            codes = sorted(side.index[side != frame["side"]])
            changed[(component, factor)] = codes
            row[f"changes at {factor:g} x"] = len(codes)
        rows.append(row)
    result = pd.DataFrame(rows)
    for name in result.columns[3:]:
        result[name] = result[name].astype("Int64")
    result.attrs.update(
        # the provenance, as_of, by and weights; not what a map of the countries would show
        {k: v for k, v in table.attrs.items() if k not in MAP_ONLY_ATTRS},
        title="How many countries change side when a weight moves",
        changed=changed,
    )
    return result
