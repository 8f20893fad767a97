"""Who built and who owns each cable: suppliers and owners mapped to their home countries.

The curated table ``layers/sources/network/company_home_country.csv`` (each row cites its
sources in ``network/SOURCES.md``) gives the home country of every supplier named in the
cable records and of the owners named in two or more of them, and flags China's three
state carriers. Names are matched exactly as TeleGeography writes them in the ``cables``
layer's ``suppliers`` and ``owners``; a company missing from the table, or listed there
without a home country, counts as *unknown*, never as anyone's.

Whether HMN Tech *built* a cable is not read from the names but from the audited status,
as everywhere in dsrgeo (:func:`dsrgeo.analysis.hmn_mask`): a cable whose supplier field
names HMN but whose status is disputed, or that HMN was only awarded, is not HMN-built.
"""

import copy
import functools
from pathlib import Path

import pandas as pd

from dsrgeo import analysis, catalog
from dsrgeo.errors import InvalidLayerError

__all__ = [
    "COMPANY_SOURCE",
    "COMPANY_TABLE",
    "SUPPLIER_GROUPS",
    "cable_companies",
    "company_table",
    "with_company_source",
]

#: The table, under the shipped sources folder.
COMPANY_TABLE = Path("network") / "company_home_country.csv"
#: The supplier and owner table, cited beside the layers (it is no catalog layer).
COMPANY_SOURCE = {
    "title": f"Supplier and owner home countries ({COMPANY_TABLE.as_posix()}; each row cites "
    "its sources)",
    "publisher": "dsrgeo compilation",
    "url": "layers/sources/network/SOURCES.md",  # a path of the checkout, as in the catalog
}
#: What identifies a loaded layer in its ``attrs`` (a frame derived from it is not that layer).
_LAYER_KEYS = ("id", "kind", "title", "snapshot")

#: The suppliers the dependence shares single out, by the names the cable records use. HMN
#: Tech is the cables :func:`dsrgeo.analysis.hmn_mask` finds (the audited status; the
#: catalog's alias table only for a frame without one); its names still keep a cable out of
#: ``other_supplier``.
SUPPLIER_GROUPS = {
    "hmn": None,  # analysis.hmn_mask(cables); names: catalog.hmn_supplier_aliases()
    "subcom": ("SubCom",),
    "asn": ("ASN",),
    "nec": ("NEC",),
}


@functools.cache
def _read_table(path):
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as err:
        raise InvalidLayerError("missing company table", path=path) from err
    missing = {"company", "role", "home_iso3", "chinese_state_carrier"} - set(table.columns)
    if missing:
        raise InvalidLayerError(f"columns {sorted(missing)} missing", path=path)
    bad = sorted(set(table["role"]) - {"supplier", "owner"})
    if bad:
        raise InvalidLayerError(f"unknown roles {bad}", path=path, field="role")
    flags = table["chinese_state_carrier"].str.strip().str.lower()
    table["chinese_state_carrier"] = flags.map({"true": True, "false": False}).astype("boolean")
    homes = table["home_iso3"].str.strip()
    table["home_iso3"] = [home or None for home in homes]
    return table


def company_table(path=None):
    """Return the curated table of suppliers and owners with their home countries.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A CSV laid out like the shipped table (default: the shipped one).

    Returns
    -------
    pandas.DataFrame
        ``company``, ``role`` (``supplier`` or ``owner``), ``home_iso3`` (None where not
        found), ``chinese_state_carrier`` (nullable bool: True only for China Telecom, China
        Mobile and China Unicom), and the table's ``n_cables``, ``method``, ``confidence``,
        ``source_ids`` and ``notes``.

    Examples
    --------
    >>> table = company_table().set_index(["role", "company"])
    >>> table.loc[("supplier", "HMN Tech"), "home_iso3"], table.loc[("supplier", "SubCom"), "home_iso3"]
    ('CHN', 'USA')
    >>> bool(table.loc[("owner", "China Telecom"), "chinese_state_carrier"])
    True
    """
    table = _read_table(str(path or catalog.sources_dir() / COMPANY_TABLE)).copy()
    table.attrs = with_company_source({}) if path is None else {}
    return table


def with_company_source(attrs):
    """Return a deep copy of ``attrs`` citing the shipped supplier and owner table too.

    :data:`COMPANY_SOURCE` is added to ``sources`` (once), and a line each to ``citation``
    and ``attribution``, so a frame built with the table credits it beside its layers.

    Parameters
    ----------
    attrs : dict
        A frame's ``.attrs`` (e.g. :func:`dsrgeo.catalog.provenance`); left unchanged.

    Returns
    -------
    dict

    Examples
    --------
    >>> attrs = with_company_source({"citation": "Cables", "attribution": "TeleGeography"})
    >>> attrs["sources"] == [COMPANY_SOURCE], attrs["attribution"]
    (True, 'TeleGeography; supplier and owner home countries: dsrgeo compilation')
    """
    attrs = copy.deepcopy(dict(attrs))
    sources = attrs["sources"] = list(attrs.get("sources") or [])
    if COMPANY_SOURCE in sources:
        return attrs
    sources.append(dict(COMPANY_SOURCE))
    note = f"{COMPANY_SOURCE['publisher']}, layers/sources/{COMPANY_TABLE.as_posix()}"
    lines = {
        "citation": ("\n", f"Supplier and owner home countries: {note}"),
        "attribution": ("; ", "supplier and owner home countries: dsrgeo compilation"),
    }
    for key, (sep, line) in lines.items():
        attrs[key] = sep.join(part for part in (attrs.get(key), line) if part)
    return attrs


def _derived_attrs(cables):
    """The ``.attrs`` of a frame made from ``cables``: their provenance, not their identity."""
    attrs = copy.deepcopy(dict(cables.attrs))
    layer_id = attrs.get("id")
    for key in _LAYER_KEYS:
        attrs.pop(key, None)
    if layer_id in catalog.layer_ids() and not attrs.get("layers"):
        attrs["layers"] = [layer_id]  # so a map's credit line gives the layer's short credit
    return attrs


def _homes(names, homes):
    found = (homes.get(name) for name in names or ())
    return {home if isinstance(home, str) and home else None for home in found}


def cable_companies(cables, table=None):
    """Return, per cable, its suppliers' and owners' home countries and the dependence flags.

    Parameters
    ----------
    cables : pandas.DataFrame
        With ``id``, ``suppliers`` and ``owners`` (lists of names), e.g. the ``cables`` layer,
        and the ``hmn_status`` (or ``hmn_built``, ``is_hmn``) column
        :func:`dsrgeo.analysis.hmn_mask` reads where the frame has one.
    table : pandas.DataFrame, optional
        From :func:`company_table` (default: the shipped table).

    Returns
    -------
    pandas.DataFrame
        Indexed by cable id: ``supplier_homes`` and ``owner_homes`` (sorted ISO3 codes
        found, None standing for a company of unknown home left out), booleans
        ``hmn`` (HMN Tech built it: :func:`dsrgeo.analysis.hmn_mask`, so not a disputed or
        awarded-only cable), ``subcom``, ``asn``, ``nec`` (a supplier of that group),
        ``other_supplier`` (a named supplier outside the four, HMN's names included among
        them), ``unknown_supplier`` (no
        supplier named), ``chinese_state_carrier`` (an owner so flagged),
        ``chinese_supplied`` / ``chinese_owned`` (a supplier / owner whose home is CHN),
        ``us_supplied`` / ``us_owned`` (home USA), and ``unknown_owners`` (owners not
        in the table or without a home country).

    Examples
    --------
    >>> import pandas as pd
    >>> cables = pd.DataFrame({"id": ["x"], "suppliers": [["HMN Tech"]],
    ...                        "owners": [["China Unicom", "Nobody Ltd"]]})
    >>> row = cable_companies(cables).loc["x"]
    >>> bool(row.hmn), bool(row.chinese_supplied), bool(row.chinese_state_carrier), int(row.unknown_owners)
    (True, True, True, 1)
    """
    table = company_table() if table is None else table
    suppliers = table[table["role"] == "supplier"]
    owners = table[table["role"] == "owner"]
    supplier_home = dict(zip(suppliers["company"], suppliers["home_iso3"]))
    owner_home = dict(zip(owners["company"], owners["home_iso3"]))
    state = set(owners.loc[owners["chinese_state_carrier"].fillna(False), "company"])
    groups = dict(SUPPLIER_GROUPS, hmn=tuple(catalog.hmn_supplier_aliases()))
    named = {name for names in groups.values() for name in names}
    built_by_hmn = analysis.hmn_mask(cables).to_numpy()
    rows = []
    for cable_id, names, owned_by, hmn in zip(
        cables["id"], cables["suppliers"], cables["owners"], built_by_hmn
    ):
        names, owned_by = list(names or ()), list(owned_by or ())
        s_homes, o_homes = _homes(names, supplier_home), _homes(owned_by, owner_home)
        row = {"id": cable_id}
        for group, aliases in groups.items():
            row[group] = bool(hmn) if group == "hmn" else any(n in aliases for n in names)
        row.update(
            other_supplier=any(n not in named for n in names),
            unknown_supplier=not names,
            chinese_state_carrier=any(o in state for o in owned_by),
            chinese_supplied="CHN" in s_homes,
            chinese_owned="CHN" in o_homes,
            us_supplied="USA" in s_homes,
            us_owned="USA" in o_homes,
            unknown_owners=sum(not owner_home.get(o) for o in owned_by),
            supplier_homes=sorted(h for h in s_homes if h),
            owner_homes=sorted(h for h in o_homes if h),
        )
        rows.append(row)
    columns = [
        "id",
        "supplier_homes",
        "owner_homes",
        *groups,
        "other_supplier",
        "unknown_supplier",
        "chinese_state_carrier",
        "chinese_supplied",
        "chinese_owned",
        "us_supplied",
        "us_owned",
        "unknown_owners",
    ]
    frame = pd.DataFrame(rows, columns=columns).set_index("id")
    frame.attrs = _derived_attrs(cables)  # TeleGeography's licence travels with its data
    if COMPANY_SOURCE in table.attrs.get("sources", ()):  # the shipped table: cite it too
        frame.attrs = with_company_source(frame.attrs)
    return frame
