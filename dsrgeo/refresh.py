"""Fresh TLEs and cable data: download, check, build, swap, with provenance.

The shipped data stays the default everywhere; a refresh only adds a snapshot to the
per-user data folder (:func:`dsrgeo.datadir.data_dir`), and code uses it when asked to
(``tles="latest"``, ``snapshot="latest"``). A cables snapshot carries the layers built from
it: they are built (and checked against the catalog schema) before the snapshot is swapped
in, so ``load(..., snapshot="latest")`` only reads.

One refresh of a kind runs at a time (:func:`dsrgeo.datadir.refresh_lock`), every file
comes through :class:`dsrgeo.download.Downloader` (http(s) only, redirects capped, a
deadline, a minimum rate, a size cap), and everything is checked before anything on disk
changes:

- the content itself: TLE checksums, line pairs and epoch fields (no epoch more than
  :data:`MAX_EPOCH_AHEAD_DAYS` after the download); GeoJSON feature collections with the
  right geometry kinds and ids; every cable record against the schema the build reads
  records with (:func:`dsrgeo.build.cables.check_cable_record`); then the layers built;
- the download as a whole: a TLE set must hold all four core constellations
  (:data:`dsrgeo.gnss.elements.CORE_SYSTEMS`), and neither satellites nor cables nor
  landing points may drop below :data:`PLAUSIBLE_SHARE` of the current snapshot's (or the
  shipped data's, before the first refresh), unless ``force=True``. A body cut short with
  no ``Content-Length`` to tell is caught here.

Any failure raises :class:`~dsrgeo.errors.RefreshError` and leaves the data folder byte for
byte as it was.
"""

import contextlib
import json
import re
from datetime import UTC, datetime, timedelta

import numpy as np

from dsrgeo import catalog, checks, geojson, loading
from dsrgeo.datadir import (
    LAYERS_FOLDER,
    TLE_FILE,
    data_dir,
    latest_snapshot,
    latest_tle_path,
    refresh_lock,
    write_snapshot,
)
from dsrgeo.download import Downloader, Limits, check_url, excerpt, utc_now
from dsrgeo.errors import ElementSetError, InvalidLayerError, RefreshError
from dsrgeo.geojson import check_geometry
from dsrgeo.gnss.elements import CORE_SYSTEMS, DEFAULT_SNAPSHOT, read_tles, snapshot_dir

__all__ = [
    "DEFAULT_CABLES_URL",
    "DEFAULT_TLE_URL",
    "MAX_EPOCH_AHEAD_DAYS",
    "PLAUSIBLE_SHARE",
    "refresh_cables",
    "refresh_tles",
]

#: CelesTrak's "gnss" group (GPS, BeiDou, Galileo, GLONASS, QZSS, NavIC, SBAS) as 3-line TLEs.
DEFAULT_TLE_URL = "https://celestrak.org/NORAD/elements/gp.php?GROUP=gnss&FORMAT=tle"
#: The Open Undersea Cable Map repository (TeleGeography's late-2022 CC BY-NC-SA data), raw.
DEFAULT_CABLES_URL = "https://raw.githubusercontent.com/stevesong/open_undersea_cable_map/main/"
#: A download with fewer core-constellation satellites, cables or landing points than this
#: share of the current snapshot's (or the shipped data's) is refused unless ``force=True``.
PLAUSIBLE_SHARE = 0.9
#: A TLE epoch later than this many days after the download is refused: element sets are
#: fitted to past observations, so an epoch far ahead is a corrupted line.
MAX_EPOCH_AHEAD_DAYS = 30

# (path in the snapshot, path under the mirror's base URL): the mirror has the upstream
# repository layout, the snapshot the layout of the shipped ``layers/sources/cables/``.
_ROUTES = ("cable-geo.json", "cable/cable-geo.json")
_LANDING_POINTS = ("landing-point-geo.json", "landing-point/landing-point-geo.json")
_CABLE_INDEX = ("cable/all.json", "cable/all.json")
_HMN_SUPPLIER = ("supplier/hmn-tech.json", "supplier/hmn-tech.json")
_LICENCE = ("LICENSE", "LICENSE")

_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9._-]*", re.IGNORECASE)
_SYSTEM_NAMES = {"bds": "BeiDou", "gps": "GPS", "gal": "Galileo", "glo": "GLONASS"}


def refresh_tles(
    url=DEFAULT_TLE_URL,
    *,
    timeout_s=30.0,
    deadline_s=600.0,
    retries=3,
    progress=None,
    keep=3,
    force=False,
):
    """Download two-line element sets, check them, and store them as the latest TLE snapshot.

    Parameters
    ----------
    url : str, default :data:`DEFAULT_TLE_URL`
        Where to get a TLE text file (name line optional, then line 1 and line 2); http(s)
        only.
    timeout_s : float, default 30
        Seconds to connect and get the answer's headers, and the longest wait for the next
        piece of the body.
    deadline_s : float, default 600
        Seconds the whole refresh may take: waiting for another refresh, the download, its
        redirects and retries. A body must also arrive at 1000 bytes/s or more over any 10 s
        (:class:`dsrgeo.download.Limits`).
    retries : int, default 3
        Extra attempts after a connection error, no answer, a body cut short or an HTTP
        429/5xx answer, waiting 0, 1, 2 ... s.
    progress : bool or None, default None
        Show a progress bar on stderr: None shows it for large downloads when stderr is a
        terminal.
    keep : int, default 3
        How many TLE snapshots to keep in the data folder, the new one included.
    force : bool, default False
        Store the set even if it lacks a core constellation or has fewer than
        :data:`PLAUSIBLE_SHARE` of the satellites of the current (or shipped) snapshot.

    Returns
    -------
    dsrgeo.datadir.Snapshot
        ``snapshot.folder / "tle.txt"`` is the file; see also
        :func:`dsrgeo.datadir.latest_tle_path`.

    Raises
    ------
    ParameterError
        If an argument is not allowed (checked before any download).
    RefreshError
        If the URL is not http(s), the download fails, hits a limit or is truncated, a line
        is not a sound TLE line (checksum, line number, partner, epoch field), an epoch lies
        more than :data:`MAX_EPOCH_AHEAD_DAYS` ahead, or (unless ``force``) the set is not
        plausible. The previous snapshot is then left untouched.

    Examples
    --------
    This needs the network, so it is shown, not run (the tests serve files from 127.0.0.1)::

        snapshot = refresh_tles()
        snapshot.contents        # '172 satellites' for CelesTrak's GNSS group in June 2026
    """
    limits = _limits(url, timeout_s, deadline_s, retries, keep, force, progress)
    with (
        _keeping_previous_data(),
        Downloader(limits, progress=progress) as downloader,
        refresh_lock("tle", timeout_s=downloader.remaining_s()),
    ):
        retrieved_utc = utc_now()
        fetched = downloader.get(url, name=TLE_FILE)
        satellites = _check_tles(fetched)
        if not force:
            _check_tles_plausible(satellites, fetched[0].url)
        return write_snapshot(
            "tle",
            [fetched],
            source_url=url,
            retrieved_utc=retrieved_utc,
            contents=f"{len(satellites)} satellites",
            keep=keep,
        )


def refresh_cables(
    url=DEFAULT_CABLES_URL,
    *,
    timeout_s=30.0,
    deadline_s=600.0,
    retries=3,
    progress=None,
    keep=3,
    workers=8,
    force=False,
):
    """Download the cable map from a mirror, check it, and store it as the latest snapshot.

    The mirror has the layout of the Open Undersea Cable Map repository. Under the base
    ``url`` these files are fetched:

    - ``cable/cable-geo.json``: routes, a FeatureCollection of (Multi)LineStrings with ``id``;
    - ``landing-point/landing-point-geo.json``: Points with unique ``id``;
    - ``cable/all.json``: the list of cables (``id``, ``name``); every routed cable must be in it;
    - ``cable/<id>.json`` for each of them: the metadata (length, RFS year, owners, suppliers,
      landing points), each an object whose ``id`` matches its file name and that passes the
      cable-record schema (``layers/cable_record.schema.json``);
    - ``supplier/hmn-tech.json``: the cables HMN Tech supplied;
    - ``LICENSE`` if the mirror has one (a 404 is accepted for this file only).

    Parameters
    ----------
    url : str, default :data:`DEFAULT_CABLES_URL`
        Base URL of the mirror (a trailing ``/`` is added if missing); http(s) only.
    timeout_s, deadline_s, retries, progress, keep
        As for :func:`refresh_tles`; ``timeout_s`` and ``retries`` apply to each file,
        ``deadline_s`` to the whole refresh.
    workers : int, default 8
        How many per-cable files to download at once.
    force : bool, default False
        Store the data even if it has fewer than :data:`PLAUSIBLE_SHARE` of the cables or
        landing points of the current (or shipped) data.

    Returns
    -------
    dsrgeo.datadir.Snapshot
        Its folder is laid out like ``layers/sources/cables/``, plus the layers built from it
        in ``layers/``; see :func:`dsrgeo.datadir.latest_cables_dir`.

    Raises
    ------
    ParameterError
        If an argument is not allowed (checked before any download).
    RefreshError
        If any file fails to download, hits a limit, is truncated or does not validate, the
        layers do not build, or (unless ``force``) the data is not plausible. Nothing is
        stored then: the previous snapshot is left untouched.

    Examples
    --------
    This needs the network, so it is shown, not run (the tests serve files from 127.0.0.1)::

        snapshot = refresh_cables()
        snapshot.contents        # '527 route features, 1414 landing points, 521 cable records'
    """
    limits = _limits(url, timeout_s, deadline_s, retries, keep, force, progress)
    workers = checks.number(workers, "workers", low=1, high=64, integer=True)
    base = url if url.endswith("/") else url + "/"
    with (
        _keeping_previous_data(),
        Downloader(limits, workers=workers, progress=progress) as downloader,
        refresh_lock("cables", timeout_s=downloader.remaining_s()),
    ):
        retrieved_utc = utc_now()

        def get(paths, *, optional=False):
            name, remote = paths
            return downloader.get(base + remote, name=name, optional=optional)

        routes = get(_ROUTES)
        route_ids = _check_feature_collection(routes, "line", unique_ids=False)
        landing = get(_LANDING_POINTS)
        landing_ids = _check_feature_collection(landing, "point", unique_ids=True)
        if not force:
            _check_cables_plausible(len(set(route_ids)), len(landing_ids), base)
        index = get(_CABLE_INDEX)
        cable_ids = _check_cable_index(index, route_ids)
        supplier = get(_HMN_SUPPLIER)
        _check_supplier(supplier)
        files = [routes, landing, index, supplier]
        licence = get(_LICENCE, optional=True)
        if licence is not None:
            files.append(licence)
        records = downloader.get_many(
            [(f"cable/{i}.json", f"{base}cable/{i}.json") for i in cable_ids],
            what="cable records",
        )
        for record in records:
            _check_cable_record(record)
        files += records
        contents = (
            f"{len(route_ids)} route features, {len(landing_ids)} landing points, "
            f"{len(cable_ids)} cable records"
        )
        return write_snapshot(
            "cables",
            files,
            source_url=base,
            retrieved_utc=retrieved_utc,
            contents=contents,
            keep=keep,
            prepare=_build_layers,
        )


def _limits(url, timeout_s, deadline_s, retries, keep, force, progress):
    """Check the arguments every refresh shares, before any work; return the Limits.

    A ``url`` that is text but no http(s) URL is a RefreshError (as a redirect to one is).
    """
    checks.text(url, "url", allow_none=False, max_chars=2000)
    limits = Limits(timeout_s=timeout_s, deadline_s=deadline_s, retries=retries)
    checks.number(keep, "keep", low=1, high=1000, integer=True)
    checks.boolean(force, "force")
    if progress is not None:
        checks.boolean(progress, "progress")
    data_dir()  # refuses a data folder inside the package, before any download
    with _keeping_previous_data():
        check_url(url)
    return limits


def _build_layers(folder):
    """Build the cable layers inside a new snapshot folder, before it is swapped in."""
    from dsrgeo import build  # pandas and shapely: only a cable refresh needs them

    try:
        build.build_snapshot_layers(folder, folder / LAYERS_FOLDER)
    except (InvalidLayerError, KeyError, TypeError, ValueError) as err:
        raise RefreshError(
            f"the downloaded cable data do not build into layers ({err}); "
            "the previous data is unchanged"
        ) from err


@contextlib.contextmanager
def _keeping_previous_data():
    """Add to any RefreshError that nothing on disk was touched (validation comes first)."""
    try:
        yield
    except RefreshError as err:
        if str(err).endswith("the previous data is unchanged"):
            raise
        raise RefreshError(f"{err}; the previous data is unchanged") from err.__cause__


# --- validation: TLEs -----------------------------------------------------------------------


def _check_tles(fetched):
    """Check TLE text and its epochs; return the satellites.

    :func:`dsrgeo.gnss.read_tles` checks checksums, line numbers, pairs, epoch fields and
    SGP4; here the epochs are also checked against the clock.
    """
    download, data = fetched
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as err:
        raise RefreshError(
            f"{download.url}: not TLE text (byte {err.start} is not ASCII); is this the right URL?"
        ) from err
    try:
        satellites = read_tles(text, source=download.url)
    except ElementSetError as err:
        raise RefreshError(str(err)) from err
    if len(satellites) == 0:
        raise RefreshError(
            f"{download.url}: no element sets found ({excerpt(data)}); is this the right URL?"
        )
    _check_epochs(satellites, text, download.url)
    return satellites


def _check_epochs(satellites, text, url):
    """Refuse an epoch more than MAX_EPOCH_AHEAD_DAYS after now, naming its line."""
    now = datetime.now(UTC).replace(tzinfo=None)
    limit = np.datetime64(now + timedelta(days=MAX_EPOCH_AHEAD_DAYS), "us")
    late = np.flatnonzero(satellites.epoch > limit)
    if late.size == 0:
        return
    late_lines = {satellites.line1[n]: n for n in late}
    line_number, first = next(
        (
            (number, late_lines[line.rstrip()])
            for number, line in enumerate(text.splitlines(), 1)
            if line.rstrip() in late_lines
        ),
        (None, late[0]),
    )
    epoch = satellites.epoch[first]
    days = (epoch - np.datetime64(now, "us")) / np.timedelta64(1, "D")
    ahead = f"{days / 365.25:.0f} years" if days > 2 * 365.25 else f"{days:.0f} days"
    where = f"{url}:line {line_number}" if line_number else url
    raise RefreshError(
        f"{where}: the epoch of {satellites.name[first]} is {str(epoch)[:10]}, {ahead} after "
        f"the download ({len(late)} element set{'s' if len(late) > 1 else ''} more than "
        f"{MAX_EPOCH_AHEAD_DAYS} days ahead); element sets are fitted to past observations, so "
        "these lines are corrupted"
    )


def _core_counts(satellites):
    return {code: int(np.sum(satellites.system == code)) for code in CORE_SYSTEMS}


def _check_tles_plausible(satellites, url):
    """All core constellations present; not far fewer of their satellites than before."""
    counts = _core_counts(satellites)
    missing = [_SYSTEM_NAMES[code] for code in CORE_SYSTEMS if counts[code] == 0]
    if missing:
        names = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} or {missing[-1]}"
        raise RefreshError(
            f"{url}: no {names} satellites among the {len(satellites)} element "
            f"sets ({satellites!r}); a TLE refresh needs all four core constellations "
            "(BeiDou, GPS, Galileo, GLONASS), as in CelesTrak's GNSS group. Pass --force "
            "(force=True) to store it anyway"
        )
    label, reference = _tle_reference()
    before = sum(_core_counts(reference).values())
    now = sum(counts.values())
    if now < PLAUSIBLE_SHARE * before:
        raise RefreshError(
            f"{url}: {now} satellites of the core constellations, but {label} has {before}: "
            f"fewer than {PLAUSIBLE_SHARE:.0%} of them, so the download is probably cut short "
            "or the wrong group. Pass --force (force=True) to store it anyway"
        )


def _tle_reference():
    """Return (label, Satellites) that a new TLE set is compared with.

    The current snapshot, else the shipped one (also when the current one cannot be read:
    a refresh repairs it).
    """
    try:
        path = latest_tle_path()
        if path is not None:
            return f"the current snapshot {path.parent.name}", read_tles(path)
    except (RefreshError, ElementSetError, OSError):
        pass
    return f"the shipped snapshot {DEFAULT_SNAPSHOT}", read_tles(snapshot_dir())


# --- validation: cables ---------------------------------------------------------------------


def _check_cables_plausible(cables, landing_points, url):
    """Not far fewer cables or landing points than the current (or shipped) layers."""
    label, before = _cable_reference()
    for what, now in (("cables", cables), ("landing_points", landing_points)):
        if now < PLAUSIBLE_SHARE * before[what]:
            raise RefreshError(
                f"{url}: {now} {what.replace('_', ' ')}, but {label} has {before[what]}: "
                f"fewer than {PLAUSIBLE_SHARE:.0%} of them, so the mirror is probably "
                "incomplete. Pass --force (force=True) to store it anyway"
            )


def _cable_reference():
    """(label, {layer id: features}) of the current snapshot's layers, else the shipped ones."""
    try:
        latest = latest_snapshot("cables")
        if latest is not None:
            folder = latest.folder / LAYERS_FOLDER
            label = f"the current snapshot {latest.folder.name}"
            return label, {i: _feature_count(folder / catalog.get(i).file.name) for i in _COUNTED}
    except (RefreshError, OSError, ValueError, KeyError, TypeError):
        pass
    return "the shipped data", {i: loading.feature_count(i) for i in _COUNTED}


_COUNTED = ("cables", "landing_points")


def _feature_count(path):
    return len(json.loads(path.read_text(encoding="utf-8"))["features"])


def _parse_json(fetched):
    """Parse a download with the one strict JSON reader of :func:`dsrgeo.geojson.parse`."""
    download, data = fetched
    try:
        return geojson.parse(data, source=download.url, max_bytes=max(len(data), 1))
    except InvalidLayerError as err:
        raise RefreshError(f"{download.url}: invalid JSON ({err.message})") from err


def _check_feature_collection(fetched, kind, *, unique_ids):
    """Check a GeoJSON FeatureCollection of ``kind`` ("line", "point"): return its ids.

    Geometries are checked by :func:`dsrgeo.loader.check_geometry` (types, lon/lat
    positions); here only what a download adds: features present, each with a geometry
    and a slug id (a file name later), unique if ``unique_ids``.
    """
    source = fetched[0].url
    doc = _parse_json(fetched)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise RefreshError(f"{source}: expected a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise RefreshError(f"{source}: the FeatureCollection has no features")
    ids = []
    for n, feature in enumerate(features):
        where = f"{source}: feature {n}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise RefreshError(f"{where} is not a GeoJSON Feature")
        properties = feature.get("properties")
        fid = properties.get("id") if isinstance(properties, dict) else None
        if not isinstance(fid, str) or not _SAFE_ID.fullmatch(fid):
            raise RefreshError(
                f"{where}: property 'id' is {fid!r}, expected a slug like 'peace-cable'"
            )
        geometry = feature.get("geometry")
        if geometry is None:
            raise RefreshError(f"{where} ({fid!r}) has no geometry")
        try:
            check_geometry(geometry, kind, path=source, feature=fid)
        except InvalidLayerError as err:
            raise RefreshError(str(err)) from err
        ids.append(fid)
    if unique_ids and len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})[:5]
        raise RefreshError(f"{source}: feature ids are not unique: {', '.join(twice)}")
    return ids


def _check_cable_index(fetched, route_ids):
    """Check ``cable/all.json``; return its ids (each routed cable must be listed)."""
    source = fetched[0].url
    doc = _parse_json(fetched)
    if not isinstance(doc, list) or not doc:
        raise RefreshError(f"{source}: expected a non-empty list of cables")
    ids = []
    for n, entry in enumerate(doc):
        cid = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(cid, str) or not _SAFE_ID.fullmatch(cid):
            raise RefreshError(f"{source}: entry {n}: 'id' is {cid!r}, expected a slug")
        ids.append(cid)
    if len(set(ids)) != len(ids):
        raise RefreshError(f"{source}: cable ids are not unique")
    unlisted = sorted(set(route_ids) - set(ids))
    if unlisted:
        raise RefreshError(
            f"{source}: {len(unlisted)} routed cables have no record, e.g. "
            f"{', '.join(unlisted[:5])}; the mirror is inconsistent"
        )
    return ids


def _check_cable_record(fetched):
    """Check a downloaded cable record with the schema the build reads records with."""
    from dsrgeo.build.cables import check_cable_record

    source = fetched[0].url
    doc = _parse_json(fetched)
    expected = fetched[0].name.rsplit("/", 1)[-1].removesuffix(".json")
    if not isinstance(doc, dict) or doc.get("id") != expected:
        got = doc.get("id") if isinstance(doc, dict) else type(doc).__name__
        raise RefreshError(f"{source}: expected a cable record with id {expected!r}, got {got!r}")
    try:
        check_cable_record(doc, source=source)
    except InvalidLayerError as err:
        raise RefreshError(str(err)) from err


def _check_supplier(fetched):
    source = fetched[0].url
    doc = _parse_json(fetched)
    cables = doc.get("cables") if isinstance(doc, dict) else None
    if not isinstance(cables, list) or not all(
        isinstance(c, dict) and isinstance(c.get("id"), str) for c in cables
    ):
        raise RefreshError(
            f"{source}: expected an object with a 'cables' list of {{'id': ...}} records"
        )
