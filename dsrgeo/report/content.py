"""The report's content: sections of text, tables and figures, gathered from the public API.

:func:`build_report` collects everything as plain objects (:class:`Report`); the page and the
PDF are drawn from them by :mod:`dsrgeo.report.html` and :mod:`dsrgeo.report.pdf`.
"""

import dataclasses
import math

import pandas as pd

from dsrgeo import catalog, checks, loading
from dsrgeo._version import __version__
from dsrgeo.analysis import BEIDOU_LAYER, hmn_mask, indicators
from dsrgeo.brief import CLAIMS, MILE_KM, VERDICTS, claims
from dsrgeo.errors import AsOfOutOfRangeError
from dsrgeo.export import figure_bytes
from dsrgeo.geodesy import audit_lengths
from dsrgeo.maps import Map
from dsrgeo.network import bifurcation, exposure
from dsrgeo.network.scenarios import LAYERS as NETWORK_LAYERS
from dsrgeo.sides import COMPONENT_LABELS, alignment, alignment_sensitivity

__all__ = [
    "TOP_COUNTRIES",
    "Report",
    "ReportFigure",
    "ReportSection",
    "ReportTable",
    "build_report",
    "citations",
    "year_range",
]

#: Rows of the "top countries by HMN share" table
TOP_COUNTRIES = 15
#: Cable whose three lengths the report sets side by side (the brief's claim "peace_length")
PEACE_ID = "peace-cable"


@dataclasses.dataclass(frozen=True)
class ReportTable:
    """A table of the report: plain-text caption and a DataFrame (escaped when rendered).

    Attributes
    ----------
    caption : str
        Plain text shown above the table.
    frame : pandas.DataFrame
        The rows, shown without the index.
    """

    caption: str
    frame: object


@dataclasses.dataclass(frozen=True)
class ReportFigure:
    """A matplotlib figure of the report with its caption; ``svg`` is its deterministic SVG.

    Attributes
    ----------
    caption : str
        Plain text shown under the figure.
    figure : matplotlib.figure.Figure
        The figure, drawn into the HTML as SVG and into the PDF as a 200 dpi image.
    """

    caption: str
    figure: object

    @property
    def svg(self):
        """The figure as SVG text (no timestamps, fixed ids)."""
        return figure_bytes(self.figure, "svg").decode("utf-8")


@dataclasses.dataclass(frozen=True)
class ReportSection:
    """One section: an anchor id, a heading, paragraphs (plain text), tables and figures.

    Attributes
    ----------
    id : str
        The section's anchor in the HTML page.
    heading : str
        Its heading (plain text).
    paragraphs : tuple of str
        Plain-text paragraphs, escaped when rendered.
    tables : tuple of ReportTable
        Shown after the paragraphs.
    figures : tuple of ReportFigure
        Shown after the tables.
    """

    id: str
    heading: str
    paragraphs: tuple = ()
    tables: tuple = ()
    figures: tuple = ()


@dataclasses.dataclass(frozen=True)
class Report:
    """Everything the report shows, before it is rendered.

    Attributes
    ----------
    title : str
    as_of : int or None
        The year the layers were cut at (None: the shipped snapshot as is).
    map : dsrgeo.Map
        The default map.
    sections : tuple of ReportSection
        In page order, after the map.
    citations : pandas.DataFrame
        One row per source of every layer used: ``layer``, ``layer_title``, ``title``,
        ``publisher``, ``url``, ``source_as_of``, ``licence``, ``licence_url``,
        ``attribution``, ``layer_as_of``.
    version : str
        dsrgeo's version, printed in the footer.
    """

    title: str
    as_of: object
    map: object
    sections: tuple
    citations: object
    version: str


# -- sections ----------------------------------------------------------------------------


def _percent(value):
    return "" if math.isnan(value) else f"{100 * value:.0f}%"


def _year(value):
    return "" if pd.isna(value) else str(int(value))


def _indicators(as_of):
    table = pd.DataFrame(indicators(as_of=as_of).drop(columns="geometry"))
    landed = table[table["cables_landing"] > 0]
    top = landed.sort_values(
        ["hmn_share", "hmn_cables", "name"], ascending=[False, False, True]
    ).head(TOP_COUNTRIES)
    top_frame = pd.DataFrame(
        {
            "Country": top["name"],
            "ISO3": top["iso3"],
            "Cables landing": top["cables_landing"],
            "HMN-built": top["hmn_cables"],
            "HMN share": top["hmn_share"].map(_percent),
            "BRI status": top["bri_status"],
            "BRI year": top["bri_year"].map(_year),
            "Safe City projects": top["safe_cities"],
        }
    )
    status = (
        table["bri_status"]
        .fillna("no data")
        .value_counts()
        .rename_axis("BRI status")
        .reset_index(name="Countries")
    )
    with_hmn = int((landed["hmn_cables"] > 0).sum())
    paragraphs = (
        (
            f"{len(landed)} countries land at least one submarine cable on the map; "
            f"{with_hmn} of them land at least one cable supplied by HMN Tech (Huawei Marine). "
            "HMN share = HMN-built cables / cables landing in the country (dsrgeo.indicators())."
        ),
        (
            "Countries with few cables reach high shares with a single HMN cable; read the share "
            "with the count beside it."
        ),
    )
    return ReportSection(
        "indicators",
        "Indicators by country",
        paragraphs,
        tables=(
            ReportTable(
                f"Top {TOP_COUNTRIES} countries by HMN share of the cables landing there",
                top_frame.reset_index(drop=True),
            ),
            ReportTable("Countries by BRI status", status),
        ),
    )


def _alignment(as_of):
    table = pd.DataFrame(alignment(as_of=as_of).drop(columns="geometry"))
    moves = alignment_sensitivity(as_of=as_of)
    restriction = table["huawei_5g_restriction"]
    components = pd.DataFrame(
        {
            "Component": [
                "BRI member (or initiator)",
                "Digital Silk Road agreement",
                "Standards agreement with China",
                "Safe City project deployed or agreed",
                "Chinese cloud region open",
                "International cable built by HMN Tech",
                "Clean Network member",
                "Huawei banned from 5G",
                "Huawei partly restricted in 5G",
                "No position on Huawei 5G found in the sources",
            ],
            "Countries": [
                int(table["bri_status"].isin(["member", "initiator"]).sum()),
                int(table["dsr_agreement_year"].notna().sum()),
                int(table["standards_agreement_year"].notna().sum()),
                int((table["safe_city_projects"] > 0).sum()),
                int((table["cloud_regions"] > 0).sum()),
                int((table["hmn_international_cables"] > 0).sum()),
                int((table["clean_network"] == "member").sum()),
                int((restriction == "ban").sum()),
                int((restriction == "partial").sum()),
                int(restriction.isna().sum()),
            ],
        }
    )
    labels = catalog.get("huawei_5g").map.get("category_labels", {})
    both = table[
        table["bri_status"].isin(["member", "initiator"]) & (table["clean_network"] == "member")
    ].sort_values("name")
    both_frame = pd.DataFrame(
        {
            "Country": both["name"],
            "ISO3": both["iso3"],
            "BRI year": both["bri_year"].map(_year),
            "Joined the Clean Network": both["clean_network_joined"].fillna("date not found"),
            "Huawei 5G restriction": both["huawei_5g_restriction"]
            .map(lambda value: labels.get(value, value))
            .fillna("No position found"),
        }
    ).reset_index(drop=True)
    sides = table["side"].value_counts()
    sensitivity = pd.DataFrame(
        {
            "Component": moves["component"].map(COMPONENT_LABELS),
            "Weight": moves["weight"].map("{:g}".format),
            "Dropped (x0)": moves["changes at 0 x"],
            "Halved (x0.5)": moves["changes at 0.5 x"],
            "Doubled (x2)": moves["changes at 2 x"],
        }
    )
    paragraphs = (
        (
            "dsrgeo.alignment() sets side by side, for every country, what China offers (BRI "
            "and Digital Silk Road agreements, standards, Safe City projects, cloud regions, "
            "HMN-built cables) and what the United States asked for (the Clean Network, "
            "restrictions on Huawei in 5G). A country no source names has no value, not a "
            "negative one."
        ),
        (
            f"{len(both)} countries signed a BRI document and are named Clean Network members: "
            "the sides overlap more than a two-camp picture suggests."
        ),
        (
            "The composite score is a reading aid, not a finding: with the default weights "
            f"(dsrgeo.sides.DEFAULT_WEIGHTS) {sides.get('china', 0)} countries lean to China's "
            f"offers, {sides.get('us', 0)} to the US answer and {sides.get('neither', 0)} to "
            "neither. The sensitivity table counts the countries that change side when one "
            "weight is dropped (0 x), halved or doubled; large counts mean the sides depend "
            "on that choice."
        ),
    )
    return ReportSection(
        "alignment",
        "Which side countries line up on",
        paragraphs,
        tables=(
            ReportTable(
                f"Countries and territories with each component (of {len(table)})", components
            ),
            ReportTable(
                "Countries on both sides: BRI documents and Clean Network membership", both_frame
            ),
            ReportTable(
                "Countries changing side when one weight of the score moves",
                sensitivity.reset_index(drop=True),
            ),
        ),
    )


def _lengths(as_of):
    cables = loading.load("cables", as_of=as_of)
    audit = audit_lengths(cables)
    paragraphs = [
        (
            "Cable routes on the map are stylised drawings, not surveyed routes: the drawn "
            "(WGS84 geodesic) length differs from the stated system length for many cables "
            "(dsrgeo.audit_lengths(); ratio = drawn / stated, flagged outside "
            f"{audit.attrs['short_ratio']}-{audit.attrs['long_ratio']})."
        ),
    ]
    tables = []
    peace = audit[audit["id"] == PEACE_ID]
    if len(peace):
        row = peace.iloc[0]
        brief_km = next(claim for claim in CLAIMS if claim.id == "peace_length").claimed
        tables.append(
            ReportTable(
                "PEACE: three lengths of one cable",
                pd.DataFrame(
                    {
                        "Length": [
                            "In the policy brief (7,500 miles)",
                            ("Stated by the cable's owners (TeleGeography)"),
                            "Drawn route on the map (geodesic)",
                        ],
                        "km": [
                            f"{brief_km:,.0f}",
                            f"{row['stated_km']:,.0f}",
                            f"{row['drawn_km']:,.0f}",
                        ],
                        "Ratio to stated": [
                            f"{brief_km / row['stated_km']:.2f}",
                            "1.00",
                            f"{row['ratio']:.2f}",
                        ],
                    }
                ),
            )
        )
        paragraphs.append(
            f"PEACE: the brief's 7,500 miles are {brief_km:,.0f} km (1 mile = {MILE_KM} km), "
            f"about {brief_km / row['stated_km']:.0%} of the {row['stated_km']:,.0f} km stated "
            "for the whole system; the drawn route, all branches included, measures "
            f"{row['drawn_km']:,.0f} km."
        )
    counts = audit["flag"].value_counts().rename_axis("Flag").reset_index(name="Cables")
    tables.append(ReportTable("Length audit over all cables on the map", counts))
    hmn = audit[hmn_mask(cables).to_numpy()]
    tables.append(
        ReportTable(
            "HMN-built cables: stated and drawn lengths",
            hmn.rename(
                columns={
                    "name": "Cable",
                    "stated_km": "Stated km",
                    "drawn_km": "Drawn km",
                    "ratio": "Ratio",
                    "flag": "Flag",
                }
            )
            .drop(columns="id")
            .sort_values("Cable")
            .reset_index(drop=True),
        )
    )
    return ReportSection("lengths", "Cable length audit", tuple(paragraphs), tuple(tables))


def _beidou_figure(capitals):
    from matplotlib.figure import Figure

    diff = capitals["bds_minus_gps_max"]
    fig = Figure(figsize=(8, 3.6), facecolor="white")
    ax = fig.add_axes((0.08, 0.15, 0.9, 0.74))
    lon = capitals.geometry.x
    colors = ["#d7301f" if d > 0 else ("#2b8cbe" if d < 0 else "#969696") for d in diff]
    ax.scatter(lon, diff, s=12, c=colors, linewidths=0)
    ax.axhline(0, color="#444444", linewidth=0.6)
    ax.set_xlim(-180, 180)
    ax.set_xticks(range(-180, 181, 60))
    ax.set_xlabel("Longitude of the capital (degrees east)", fontsize=8)
    ax.set_ylabel("BeiDou minus GPS\n(daily max visible)", fontsize=8)
    ax.tick_params(labelsize=7)
    wins = int(capitals["bds_beats_gps"].sum())
    ax.set_title(
        f"BeiDou sees more satellites than GPS over {wins} of {len(diff)} capitals "
        "(red); GPS more over the blue ones; grey: a tie",
        fontsize=9,
    )
    return fig


def _beidou():
    capitals = loading.load(BEIDOU_LAYER)
    info = catalog.get(BEIDOU_LAYER)
    diff = capitals["bds_minus_gps_max"]
    gps_wins = capitals[diff < 0].sort_values(["bds_minus_gps_max", "name"])
    table = pd.DataFrame(
        {
            "Capital": gps_wins["name"],
            "ISO3": gps_wins["iso3"],
            "BeiDou max": gps_wins["bds_max"],
            "GPS max": gps_wins["gps_max"],
            "Longitude": gps_wins.geometry.x.round(1),
        }
    ).reset_index(drop=True)
    wins = int(capitals["bds_beats_gps"].sum())
    paragraphs = (
        (
            "Daily maximum of satellites visible above the elevation mask, per capital, from "
            f"the {BEIDOU_LAYER} layer (as of {info.as_of})."
        ),
        info.description,
        (
            f"BeiDou beats GPS over {wins} of {len(capitals)} capitals "
            f"({wins / len(capitals):.0%}); GPS beats BeiDou over {len(table)}, and "
            f"{int((diff == 0).sum())} tie. These count capitals, every row of the layer (a few "
            "countries have more than one); the brief's claim below counts countries, one "
            "capital each (dsrgeo.claims()). BeiDou's geostationary and inclined "
            "geosynchronous satellites stay over Asia and the Pacific, so its lead is largest "
            "there."
        ),
    )
    return ReportSection(
        "beidou",
        "BeiDou vs GPS over capitals",
        paragraphs,
        tables=(ReportTable("Capitals where GPS shows more satellites than BeiDou", table),),
        figures=(
            ReportFigure(
                "BeiDou minus GPS (daily maximum visible satellites) by the capital's longitude",
                _beidou_figure(capitals),
            ),
        ),
    )


def _amount(value, unit):
    """A figure with its unit: whole numbers as integers ("230 cities"), others to 0.1.

    Examples
    --------
    >>> _amount(230.0, "cities"), _amount(12070.13, "km"), _amount(84.6, "% of countries")
    ('230 cities', '12,070.1 km', '84.6 % of countries')
    """
    number = float(value)
    text = f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"
    return f"{text} {unit}"


def _claims():
    table = claims()
    frame = pd.DataFrame(
        {
            "Paragraph": table["paragraph"],
            "Claim (the brief's words)": table["claim"],
            "Claimed": [_amount(v, u) for v, u in zip(table["claimed"], table["unit"])],
            "In the data": [
                "n/a" if math.isnan(v) else _amount(v, u)
                for v, u in zip(table["data"], table["unit"])
            ],
            "Verdict": table["verdict"],
            "How computed": table["how_computed"],
        }
    )
    return ReportSection(
        "claims",
        "The brief's claims against the layers",
        tuple(f"{verdict}: {meaning}." for verdict, meaning in VERDICTS.items()),
        tables=(ReportTable("dsrgeo.claims()", frame),),
    )


def _network(as_of):
    exposed = exposure(as_of=as_of)
    crossing = exposed.attrs["chokepoint_cables"]
    table = pd.DataFrame(exposed.drop(columns="geometry"))
    sides = pd.DataFrame(bifurcation(as_of=as_of).drop(columns="geometry"))
    names = dict(zip(*[loading.load("chokepoints")[c] for c in ("id", "name")]))
    when = (
        f"in service at the end of {as_of}" if as_of is not None else "on the map, planned included"
    )
    one = table[table["min_cables_to_isolate"] == 1].sort_values("name")
    single = pd.DataFrame(
        {
            "Country": one["name"],
            "ISO3": one["iso3"],
            "International cables": one["international_cables"],
            "The one fault": one["min_cut_cables"].map(", ".join),
        }
    ).reset_index(drop=True)
    straits = pd.DataFrame(
        [
            {
                "Chokepoint (derived polygon)": names.get(cp_id, cp_id),
                "Cables crossing": len(ids),
                "Countries with half or more of their cables through it": int(
                    (table[f"share_via_{cp_id}"] >= 0.5).sum()
                ),
            }
            for cp_id, ids in sorted(crossing.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
    )
    no_us = sides[sides["reaches_usa_without_chinese"].eq(False)]
    no_chn = sides[sides["reaches_chn_without_us"].eq(False)]
    split = pd.DataFrame(
        {
            "Question": [
                "No sea path to the United States without Chinese-supplied or -owned cables",
                "No sea path to China without US-supplied or -owned cables",
            ],
            "Countries": [len(no_us), len(no_chn)],
            "Which": [", ".join(no_us["iso3"]), ", ".join(no_chn["iso3"])],
        }
    )
    paragraphs = (
        (
            f"The cable network as a model (dsrgeo.network), cables {when}: "
            f"{len(table)} countries and territories land an international cable. Each cable "
            "keeps the topology of its drawing, so a fault at a place splits it and each side "
            "keeps the landing points it reaches; countries are nodes, land borders are not "
            "used here. A topology model says who keeps a sea path, not how much capacity is "
            "left, how traffic is routed or what backup takes over (see the incidents "
            "notebook, notebooks/06-cable-incidents.ipynb, for the model against 29 reported "
            "faults)."
        ),
        (
            f"{len(one)} of them are one cable fault away from having no sea path at all "
            "(min_cables_to_isolate, a max-flow/min-cut over their cables' links; "
            f"dsrgeo.network.exposure()). The median country needs "
            f"{int(table['min_cables_to_isolate'].median())} faults."
        ),
        (
            "Chokepoints: the polygons are derived (the circle of half the narrowest cited "
            "width around the cited centre, layer chokepoints) and the routes are stylised "
            "drawings: a count is what the drawing crosses, not a survey."
        ),
        (
            "Bifurcation: a Chinese cable lists a supplier or owner whose home is China in "
            "the cited company table (HMN Tech; China Telecom, China Mobile, China Unicom), a "
            "US cable one whose home is the United States; owners missing from the table "
            "count as neither (dsrgeo.network.bifurcation())."
        ),
    )
    return ReportSection(
        "network",
        "Cable network: faults, chokepoints and the two sides",
        paragraphs,
        tables=(
            ReportTable("Countries one fault away from no sea path", single),
            ReportTable("Cables crossing each chokepoint", straits),
            ReportTable("Sea paths avoiding one side's cables", split),
        ),
    )


def citations(layer_ids):
    """Return one row per source of each layer, from the catalog (see :class:`Report`).

    Parameters
    ----------
    layer_ids : iterable of str
        Catalog layer ids.

    Returns
    -------
    pandas.DataFrame
        Columns ``layer``, ``layer_title``, ``title``, ``publisher``, ``url``,
        ``source_as_of``, ``licence``, ``licence_url``, ``attribution``, ``layer_as_of``.

    Examples
    --------
    >>> table = citations(["cables"])
    >>> table.loc[0, ["layer", "licence", "source_as_of"]].tolist()
    ['cables', 'CC BY-NC-SA 3.0', '2022-12']
    """
    rows = []
    for layer_id in layer_ids:
        info = catalog.get(layer_id)
        for source in info.sources:
            rows.append(
                {
                    "layer": info.id,
                    "layer_title": info.title,
                    "title": source.get("title", ""),
                    "publisher": source.get("publisher", ""),
                    "url": source.get("url", ""),
                    "source_as_of": source.get("as_of", ""),
                    "licence": info.licence,
                    "licence_url": info.licence_url or "",
                    "attribution": info.attribution or "",
                    "layer_as_of": info.as_of,
                }
            )
    return pd.DataFrame(rows)


def build_report(*, as_of=None, title=None):
    """Gather the report's content from the public API.

    Parameters
    ----------
    as_of : int, optional
        Cut the layers with years at the end of this year (map, indicators, length audit).
        The claims compare the brief's dated figures and ignore it.
    title : str, optional
        Default: "The Digital Silk Road in cited layers" (plus the year).

    Returns
    -------
    Report

    Raises
    ------
    AsOfOutOfRangeError
        If ``as_of`` lies outside the years every dated layer covers (:func:`year_range`).
    ParameterError
        If ``as_of`` is not a year or ``title`` is not text.

    Examples
    --------
    >>> report = build_report()
    >>> [section.id for section in report.sections]
    ['indicators', 'alignment', 'lengths', 'beidou', 'network', 'claims']
    """
    if as_of is not None:
        as_of = _check_year(as_of)
    checks.text(title, "title")
    title = title or "The Digital Silk Road in cited layers" + (
        f", as of {as_of}" if as_of is not None else ""
    )
    the_map = Map.default(as_of=as_of)  # the page's heading is the title
    sections = (
        _indicators(as_of),
        _alignment(as_of),
        _lengths(as_of),
        _beidou(),
        _network(as_of),
        _claims(),
    )
    used = [layer.layer_id for layer in the_map.layers if layer.layer_id]
    used += [layer_id for layer_id in NETWORK_LAYERS if layer_id not in used]
    return Report(
        title=title,
        as_of=as_of,
        map=the_map,
        sections=sections,
        citations=citations(used),
        version=__version__,
    )


def year_range():
    """Return the (first, last) years that every dated layer covers: the report's ``as_of`` range.

    Returns
    -------
    tuple of int
        The latest first year and the earliest last year of the layers with years.

    Examples
    --------
    >>> year_range()
    (2013, 2022)
    """
    spans = [catalog.get(i).years for i in loading.names() if catalog.get(i).years is not None]
    return max(first for first, _ in spans), min(last for _, last in spans)


def _check_year(as_of):
    as_of = checks.year(as_of)
    first, last = year_range()
    if not first <= as_of <= last:
        raise AsOfOutOfRangeError(as_of, first, last)
    return as_of
