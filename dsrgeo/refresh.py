"""Fresh TLEs and cable data over HTTP: timeouts, retries, validation, atomic swap, provenance.

The shipped data stays the default everywhere; a refresh only adds a snapshot to the
per-user data folder (:func:`dsrgeo.datadir.data_dir`), and code uses it when asked to
(``tles="latest"``, ``snapshot="latest"``). A cables snapshot carries the layers built from
it: they are built (and checked against the catalog schema) before the snapshot is swapped
in, so ``load(..., snapshot="latest")`` only reads.

Every download is checked before anything on disk changes: HTTP status, ``Content-Length``
against the bytes received, then the content itself (TLE checksums and line pairs; GeoJSON
feature collections with the right geometry kinds and ids). Any failure raises
:class:`~dsrgeo.errors.RefreshError` and leaves the data folder byte for byte as it was.
"""

import contextlib
import hashlib
import json
import re
from datetime import UTC, datetime

from dsrgeo import build, checks
from dsrgeo._version import __version__
from dsrgeo.build.cables import check_cable_record
from dsrgeo.datadir import LAYERS_FOLDER, TLE_FILE, Download, data_dir, write_snapshot
from dsrgeo.errors import ElementSetError, InvalidLayerError, RefreshError
from dsrgeo.geojson import check_geometry
from dsrgeo.gnss.elements import read_tles

__all__ = [
    "DEFAULT_CABLES_URL",
    "DEFAULT_TLE_URL",
    "refresh_cables",
    "refresh_tles",
]

#: CelesTrak's "gnss" group (GPS, BeiDou, Galileo, GLONASS, QZSS, NavIC, SBAS) as 3-line TLEs.
DEFAULT_TLE_URL = "https://celestrak.org/NORAD/elements/gp.php?GROUP=gnss&FORMAT=tle"
#: The Open Undersea Cable Map repository (TeleGeography's late-2022 CC BY-NC-SA data), raw.
DEFAULT_CABLES_URL = "https://raw.githubusercontent.com/stevesong/open_undersea_cable_map/main/"

# (path in the snapshot, path under the mirror's base URL): the mirror has the upstream
# repository layout, the snapshot the layout of the shipped ``layers/sources/cables/``.
_ROUTES = ("cable-geo.json", "cable/cable-geo.json")
_LANDING_POINTS = ("landing-point-geo.json", "landing-point/landing-point-geo.json")
_CABLE_INDEX = ("cable/all.json", "cable/all.json")
_HMN_SUPPLIER = ("supplier/hmn-tech.json", "supplier/hmn-tech.json")
_LICENCE = ("LICENSE", "LICENSE")

_CHUNK_BYTES = 64 * 1024
_LARGE_BYTES = 1024 * 1024  # show a progress bar from this size on (when on a terminal)
_MAX_BYTES = 512 * 1024 * 1024  # refuse anything bigger: no mirror file is near this
_RETRY_STATUSES = (429, 500, 502, 503, 504)
_BACKOFF_FACTOR_S = 0.5  # urllib3: waits 0, 1, 2, 4 ... s between retries
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9._-]*", re.IGNORECASE)


def refresh_tles(url=DEFAULT_TLE_URL, *, timeout_s=30.0, retries=3, progress=None, keep=3):
    """Download two-line element sets, check them, and store them as the latest TLE snapshot.

    Parameters
    ----------
    url : str, default :data:`DEFAULT_TLE_URL`
        Where to get a TLE text file (name line optional, then line 1 and line 2).
    timeout_s : float, default 30
        Seconds to wait for the connection and for each read from the server.
    retries : int, default 3
        Extra attempts after a connection error, a timeout or an HTTP 429/5xx answer, with
        exponential backoff (0, 1, 2 ... s).
    progress : bool or None, default None
        Show a progress bar on stderr: None shows it for large downloads when stderr is a
        terminal.
    keep : int, default 3
        How many TLE snapshots to keep in the data folder, the new one included.

    Returns
    -------
    dsrgeo.datadir.Snapshot
        ``snapshot.folder / "tle.txt"`` is the file; see also
        :func:`dsrgeo.datadir.latest_tle_path`.

    Raises
    ------
    RefreshError
        If the download fails, is truncated, or a line has a bad checksum, a bad line number
        or no partner. The previous snapshot is then left untouched.

    Examples
    --------
    This needs the network, so it is shown, not run (the tests serve files from 127.0.0.1)::

        snapshot = refresh_tles()
        snapshot.contents        # '172 satellites' for CelesTrak's GNSS group in June 2026
    """
    _check_before_download(timeout_s)
    retrieved_utc = _utc_now()
    with _keeping_previous_data(), _session(retries, workers=1) as session:
        elements = _fetch(session, url, TLE_FILE, timeout_s=timeout_s, progress=progress)
        count = _check_tles(elements)
    return write_snapshot(
        "tle",
        [elements],
        source_url=url,
        retrieved_utc=retrieved_utc,
        contents=f"{count} satellites",
        keep=keep,
    )


def refresh_cables(
    url=DEFAULT_CABLES_URL, *, timeout_s=30.0, retries=3, progress=None, keep=3, workers=8
):
    """Download the cable map from a mirror, check it, and store it as the latest snapshot.

    The mirror has the layout of the Open Undersea Cable Map repository. Under the base
    ``url`` these files are fetched:

    - ``cable/cable-geo.json``: routes, a FeatureCollection of (Multi)LineStrings with ``id``;
    - ``landing-point/landing-point-geo.json``: Points with unique ``id``;
    - ``cable/all.json``: the list of cables (``id``, ``name``); every routed cable must be in it;
    - ``cable/<id>.json`` for each of them: the metadata (length, RFS year, owners, suppliers,
      landing points), each an object whose ``id`` matches its file name;
    - ``supplier/hmn-tech.json``: the cables HMN Tech supplied;
    - ``LICENSE`` if the mirror has one (a 404 is accepted for this file only).

    Parameters
    ----------
    url : str, default :data:`DEFAULT_CABLES_URL`
        Base URL of the mirror (a trailing ``/`` is added if missing).
    timeout_s, retries, progress, keep
        As for :func:`refresh_tles`; ``retries`` and ``timeout_s`` apply to each file.
    workers : int, default 8
        How many per-cable files to download at once.

    Returns
    -------
    dsrgeo.datadir.Snapshot
        Its folder is laid out like ``layers/sources/cables/``, plus the layers built from it
        in ``layers/``; see :func:`dsrgeo.datadir.latest_cables_dir`.

    Raises
    ------
    RefreshError
        If any file fails to download, is truncated or does not validate. Nothing is stored
        then: the previous snapshot is left untouched.

    Examples
    --------
    This needs the network, so it is shown, not run (the tests serve files from 127.0.0.1)::

        snapshot = refresh_cables()
        snapshot.contents        # '527 route features, 1414 landing points, 521 cable records'
    """
    _check_before_download(timeout_s)
    retrieved_utc = _utc_now()
    base = url if url.endswith("/") else url + "/"
    with _keeping_previous_data(), _session(retries, workers=workers) as session:

        def get(paths, *, optional=False):
            name, remote = paths
            return _fetch(
                session,
                base + remote,
                name,
                timeout_s=timeout_s,
                progress=progress,
                optional=optional,
            )

        routes = get(_ROUTES)
        route_ids = _check_feature_collection(routes, "line", unique_ids=False)
        landing = get(_LANDING_POINTS)
        landing_ids = _check_feature_collection(landing, "point", unique_ids=True)
        index = get(_CABLE_INDEX)
        cable_ids = _check_cable_index(index, route_ids)
        supplier = get(_HMN_SUPPLIER)
        _check_supplier(supplier)
        files = [routes, landing, index, supplier]
        licence = get(_LICENCE, optional=True)
        if licence is not None:
            files.append(licence)
        records = _fetch_many(
            session,
            [(f"cable/{i}.json", f"{base}cable/{i}.json") for i in cable_ids],
            timeout_s=timeout_s,
            progress=progress,
            workers=workers,
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


def _build_layers(folder):
    """Build the cable layers inside a new snapshot folder, before it is swapped in."""
    try:
        build.build_snapshot_layers(folder, folder / LAYERS_FOLDER)
    except (InvalidLayerError, KeyError, TypeError, ValueError) as err:
        raise RefreshError(
            f"the downloaded cable data do not build into layers ({err}); "
            "the previous data is unchanged"
        ) from err


# --- HTTP -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _keeping_previous_data():
    """Add to any RefreshError that nothing on disk was touched (validation comes first)."""
    try:
        yield
    except RefreshError as err:
        raise RefreshError(f"{err}; the previous data is unchanged") from err.__cause__


def _check_before_download(timeout_s):
    """Fail fast on a bad timeout or an unusable data folder, before any download."""
    checks.number(timeout_s, "timeout_s", low=0, low_open=True)
    data_dir()


def _utc_now():
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _session(retries, *, workers):
    """A requests Session that retries GETs on connection errors, timeouts and 429/5xx."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retries = checks.number(retries, "retries", low=0, high=20, integer=True)
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        backoff_factor=_BACKOFF_FACTOR_S,
        status_forcelist=_RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,  # the last answer comes back, and its status is reported
        respect_retry_after_header=False,  # keep the wait bounded: 0, 1, 2 ... s
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=max(1, workers))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"dsrgeo/{__version__} {requests.utils.default_user_agent()}"
    return session


def _fetch(session, url, name, *, timeout_s, progress, optional=False):
    """GET ``url`` completely into memory; return (Download, bytes), or None for an optional 404.

    Raises RefreshError for a connection failure, a timeout, a non-200 status, a body cut
    short of its ``Content-Length`` or a body over the size limit.
    """
    import requests
    from tqdm import tqdm

    retrieved_utc = _utc_now()
    try:
        response = session.get(url, timeout=timeout_s, stream=True)
    except requests.RequestException as err:
        raise RefreshError(
            f"could not download {url}: {_reason(err, timeout_s)}; "
            "check the URL and the connection, then try again"
        ) from err
    with response:
        if response.status_code == 404 and optional:
            return None
        if response.status_code != 200:
            raise RefreshError(
                f"{url} answered HTTP {response.status_code} {response.reason}"
                f"{_body_excerpt(response)}; check the URL or try again later"
            )
        expected = _content_length(response)
        body = bytearray()
        show = None if progress is None else bool(progress)
        if show is None and expected is not None and expected < _LARGE_BYTES:
            show = False
        bar = tqdm(
            total=expected,
            unit="B",
            unit_scale=True,
            desc=name,
            leave=False,
            disable=None if show is None else not show,
        )
        try:
            for chunk in response.iter_content(_CHUNK_BYTES):
                body += chunk
                bar.update(len(chunk))
                if len(body) > _MAX_BYTES:
                    raise RefreshError(
                        f"{url} sent more than {_MAX_BYTES} bytes; is this the right URL?"
                    )
        except requests.RequestException as err:
            raise RefreshError(
                f"download of {url} broke off after {response.raw.tell()} of "
                f"{'?' if expected is None else expected} bytes ({_reason(err, timeout_s)}); "
                "try again"
            ) from err
        finally:
            bar.close()
        received = response.raw.tell()  # bytes on the wire, before any gzip decoding
        if expected is not None and received != expected:
            raise RefreshError(
                f"download of {url} is truncated: Content-Length is {expected} bytes but "
                f"{received} arrived; try again"
            )
    data = bytes(body)
    download = Download(
        name=name,
        url=url,
        retrieved_utc=retrieved_utc,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
    )
    return download, data


def _fetch_many(session, targets, *, timeout_s, progress, workers):
    """Fetch (name, url) pairs on a thread pool; return [(Download, bytes)] in input order."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from tqdm import tqdm

    results = [None] * len(targets)
    bar = tqdm(
        total=len(targets),
        unit="file",
        desc="cable records",
        leave=False,
        disable=None if progress is None else not progress,
    )
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        futures = {
            pool.submit(_fetch, session, url, name, timeout_s=timeout_s, progress=False): n
            for n, (name, url) in enumerate(targets)
        }
        for future in as_completed(futures):
            results[futures[future]] = future.result()  # re-raises the first failure
            bar.update(1)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        bar.close()
    return results


def _content_length(response):
    value = response.headers.get("Content-Length")
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def _body_excerpt(response, limit=200):
    """The start of an error page, on one line, for the error message."""
    try:
        head = next(response.iter_content(limit), b"")
    except Exception:  # the body is only a hint; the status is the error
        return ""
    return f" ({_excerpt(head, limit)})" if head.strip() else ""


def _excerpt(data, limit=200):
    """The start of a body as a quoted one-line string."""
    return repr(" ".join(data[:limit].decode("utf-8", "replace").split())[:limit])


def _reason(err, timeout_s):
    """Say in words why a request failed (requests nests urllib3's reason several deep)."""
    import requests

    if isinstance(err, requests.Timeout) or "timed out" in str(err).lower():
        return f"no answer within timeout_s={timeout_s:g} s"
    if isinstance(err, requests.exceptions.ChunkedEncodingError):
        return "the connection closed before the end of the body"
    reason = err.args[0] if err.args else err
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError -> what went wrong
    cause = reason.__cause__ or reason.__context__  # e.g. ConnectionRefusedError, gaierror
    if isinstance(cause, OSError) and cause.strerror:
        return f"cannot connect ({cause.strerror})"
    return str(reason)


# --- validation -----------------------------------------------------------------------------


def _check_tles(fetched):
    """Check TLE text with :func:`dsrgeo.gnss.read_tles` (checksums, line numbers, pairs, SGP4).

    Return the number of distinct satellites.
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
            f"{download.url}: no element sets found ({_excerpt(data)}); is this the right URL?"
        )
    return len(satellites)


def _parse_json(fetched):
    download, data = fetched
    source = download.url
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise RefreshError(
            f"{source}: not UTF-8 text (byte {err.start}); is this the right URL?"
        ) from err
    except json.JSONDecodeError as err:
        raise RefreshError(
            f"{source}: invalid JSON at line {err.lineno} column {err.colno}: {err.msg}"
        ) from err


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
