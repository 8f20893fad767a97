"""The per-user data folder and the refreshed snapshots in it (never the installed package).

Layout, one folder per kind of data (``tle``, ``cables``)::

    <data_dir>/<kind>/LATEST                      name of the current snapshot (one line)
    <data_dir>/<kind>/20261128T125003Z/           one complete, validated download
    <data_dir>/<kind>/20261128T125003Z/provenance.json
    <data_dir>/cables/20261128T125003Z/layers/    the cable layers built from that download
                                                  before it was swapped in (what
                                                  ``load(..., snapshot="latest")`` reads)

A snapshot folder is written under a temporary name (``.incoming-<pid>-<random>``), renamed
into place once complete, and only then does ``LATEST`` (replaced atomically) point to it, so
a reader sees either the old snapshot or the new one, never a mixture. Refreshes of one kind
run one at a time (:func:`refresh_lock`: ``flock`` on ``<kind>/.lock``, present only while a
refresh runs), and the next one removes the temporary folders of refreshes that were killed.
``provenance.json`` records the sha256 of every file, downloaded or built, and
:func:`latest_snapshot` checks them all before anything is read.
"""

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from pathlib import Path

from dsrgeo import catalog, checks
from dsrgeo.errors import ParameterError, RefreshError
from dsrgeo.fileio import LEGACY_TEMP_MAX_AGE_S, atomic_write, pid_alive

__all__ = [
    "ENV_VAR",
    "LAYERS_FOLDER",
    "LOCK_FILE",
    "PROVENANCE_FILE",
    "TLE_FILE",
    "BuiltFile",
    "Download",
    "Snapshot",
    "data_dir",
    "latest_cables_dir",
    "latest_snapshot",
    "latest_tle_path",
    "refresh_lock",
    "remove_stale_incoming",
    "write_snapshot",
]

#: Environment variable that overrides the per-user data folder.
ENV_VAR = "DSRGEO_DATA_DIR"
#: The JSON sidecar in every snapshot folder: where, when and what was downloaded.
PROVENANCE_FILE = "provenance.json"
#: File name of the element sets inside a ``tle`` snapshot.
TLE_FILE = "tle.txt"
#: The folder, inside a snapshot, of the layers built from it.
LAYERS_FOLDER = "layers"
#: The lock file of a kind's folder, present only while a refresh of that kind runs.
LOCK_FILE = ".lock"
_POINTER = "LATEST"
_INCOMING = ".incoming-"  # + "<pid>-<8 hex digits>": a snapshot folder being written
_INCOMING_NAME = re.compile(r"\.incoming-(\d+)-[0-9a-f]+")
_LOCK_POLL_S = 0.05


def data_dir():
    r"""Return the folder where refreshed data lives (it may not exist yet).

    The folder is ``$DSRGEO_DATA_DIR`` when that variable is set and not empty, otherwise
    ``platformdirs.user_data_dir("dsrgeo")`` (``~/.local/share/dsrgeo`` on Linux,
    ``~/Library/Application Support/dsrgeo`` on macOS, ``%LOCALAPPDATA%\\dsrgeo`` on Windows).

    Returns
    -------
    pathlib.Path
        An absolute path.

    Raises
    ------
    ParameterError
        If the folder would lie inside the ``dsrgeo`` package or its shipped data folder,
        whose files must stay as shipped.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["DSRGEO_DATA_DIR"] = tempfile.gettempdir()
    >>> data_dir() == Path(tempfile.gettempdir()).resolve()
    True
    >>> del os.environ["DSRGEO_DATA_DIR"]
    """
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        folder = Path(override).expanduser().resolve()
    else:
        import platformdirs

        folder = Path(platformdirs.user_data_dir("dsrgeo", appauthor=False)).resolve()
    for protected in (Path(__file__).resolve().parent, catalog.shipped_dir().resolve()):
        if folder == protected or protected in folder.parents:
            raise ParameterError(
                f"{str(folder)!r} is inside {str(protected)!r}, whose files must stay as "
                f"shipped; set {ENV_VAR} to a folder outside it",
                parameter=ENV_VAR,
            )
    return folder


@dataclasses.dataclass(frozen=True)
class Download:
    """One downloaded file: where it came from, when, and its fingerprint.

    Attributes
    ----------
    name : str
        Path of the file inside its snapshot folder, with ``/`` separators.
    url : str
        The URL it was finally downloaded from, after any redirects.
    retrieved_utc : str
        When the download started, ISO 8601 in UTC (``2026-11-28T12:50:03Z``).
    sha256 : str
        Hex SHA-256 of the bytes saved.
    size_bytes : int
        Number of bytes saved.
    """

    name: str
    url: str
    retrieved_utc: str
    sha256: str
    size_bytes: int


@dataclasses.dataclass(frozen=True)
class BuiltFile:
    """A file made inside a snapshot from its downloads (a cable layer), with its fingerprint.

    Attributes
    ----------
    name : str
        Path inside the snapshot folder, with ``/`` separators (``layers/cables.geojson``).
    sha256 : str
        Hex SHA-256 of its bytes.
    size_bytes : int
        Number of bytes.
    """

    name: str
    sha256: str
    size_bytes: int


@dataclasses.dataclass(frozen=True, repr=False)
class Snapshot:
    """A complete, validated refresh of one kind of data, stored in its own folder.

    Attributes
    ----------
    kind : str
        ``"tle"`` or ``"cables"``.
    folder : pathlib.Path
        The snapshot folder; files are at ``folder / download.name``.
    source_url : str
        The URL the user asked for (for cables, the base URL of the mirror).
    retrieved_utc : str
        When the refresh started, ISO 8601 in UTC.
    contents : str
        What was validated, in words (``"172 element sets"``).
    downloads : tuple of Download
        Every file in the snapshot with its provenance.
    built : tuple of BuiltFile
        The files made from the downloads before the snapshot was swapped in.
    """

    kind: str
    folder: Path
    source_url: str
    retrieved_utc: str
    contents: str
    downloads: tuple
    built: tuple = ()

    def __repr__(self):  # the full list of downloads can run to hundreds of files
        files = f"{len(self.downloads)} file{'' if len(self.downloads) == 1 else 's'}"
        return (
            f"Snapshot({self.kind}: {self.contents}, {files}, "
            f"retrieved {self.retrieved_utc}, in {str(self.folder)!r})"
        )

    def to_json(self):
        """Return the provenance record as JSON text (the ``provenance.json`` sidecar)."""
        record = {
            "kind": self.kind,
            "source_url": self.source_url,
            "retrieved_utc": self.retrieved_utc,
            "contents": self.contents,
            "files": [dataclasses.asdict(d) for d in self.downloads],
        }
        if self.built:
            record["built"] = [dataclasses.asdict(b) for b in self.built]
        return json.dumps(record, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_folder(cls, folder):
        """Read a snapshot back from its folder's ``provenance.json`` (files not checked).

        Raises
        ------
        RefreshError
            If the sidecar is missing or malformed (the folder was edited by hand).
        """
        folder = Path(folder)
        sidecar = folder / PROVENANCE_FILE
        try:
            record = json.loads(sidecar.read_text(encoding="utf-8"))
            downloads = tuple(Download(**entry) for entry in record["files"])
            built = tuple(BuiltFile(**entry) for entry in record.get("built", []))
            snapshot = cls(
                kind=record["kind"],
                folder=folder,
                source_url=record["source_url"],
                retrieved_utc=record["retrieved_utc"],
                contents=record["contents"],
                downloads=downloads,
                built=built,
            )
            for entry in (*downloads, *built):
                _safe_name(entry.name)
                if not isinstance(entry.sha256, str) or not isinstance(entry.size_bytes, int):
                    raise ValueError(f"bad fingerprint for {entry.name!r}")
            return snapshot
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            raise RefreshError(
                f"cannot read the provenance of snapshot {str(folder)!r} ({err}); "
                "run `dsrgeo refresh` again to download a fresh snapshot"
            ) from err

    def verify(self):
        """Check every recorded file against its size and sha256 in ``provenance.json``.

        Returns
        -------
        Snapshot
            Itself, so ``snapshot.verify().folder`` reads well.

        Raises
        ------
        RefreshError
            If a file is missing or its content changed after the snapshot was stored; the
            message names the file and says to refresh again.

        Examples
        --------
        >>> import os, tempfile
        >>> os.environ["DSRGEO_DATA_DIR"] = tempfile.mkdtemp()
        >>> d = Download("a.txt", "http://example.org/a.txt", "2026-01-01T00:00:00Z",
        ...              hashlib.sha256(b"hi").hexdigest(), 2)
        >>> snap = write_snapshot("demo", [(d, b"hi")], source_url=d.url,
        ...                       retrieved_utc=d.retrieved_utc, contents="one file")
        >>> snap.verify() == snap
        True
        >>> _ = (snap.folder / "a.txt").write_bytes(b"ho")
        >>> snap.verify()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        dsrgeo.errors.RefreshError: snapshot '...20260101T000000Z': a.txt changed after it was stored (its sha256 is a821..., provenance.json says 8f43...); the snapshot cannot be trusted: run `dsrgeo refresh demo` again
        >>> del os.environ["DSRGEO_DATA_DIR"]
        """
        for entry in (*self.downloads, *self.built):
            path = self.folder.joinpath(*entry.name.split("/"))
            problem = _fingerprint_problem(path, entry.sha256, entry.size_bytes)
            if problem:
                raise RefreshError(
                    f"snapshot {str(self.folder)!r}: {entry.name} {problem}; the snapshot "
                    f"cannot be trusted: run `dsrgeo refresh {self.kind}` again"
                )
        return self


def _safe_name(name):
    """Refuse a recorded file name that would leave the snapshot folder."""
    parts = name.split("/") if isinstance(name, str) else [""]
    if any(part in ("", ".", "..") or "\\" in part for part in parts):
        raise ValueError(f"file name {name!r} is not a relative path inside the snapshot")


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint_problem(path, sha256, size_bytes):
    """Why the file at ``path`` is not the one recorded, or None."""
    try:
        size = path.stat().st_size
        if size != size_bytes:
            return f"changed after it was stored ({size} bytes, provenance.json says {size_bytes})"
        actual = _sha256_file(path)
    except FileNotFoundError:
        return "is missing"
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    if actual != sha256:
        return (
            f"changed after it was stored (its sha256 is {actual[:4]}..., provenance.json "
            f"says {sha256[:4]}...)"
        )
    return None


def latest_snapshot(kind):
    """Return the current refreshed snapshot of ``kind``, checked, or None if there is none.

    Every file recorded in the snapshot's ``provenance.json`` is checked against its size
    and sha256 (:meth:`Snapshot.verify`), so what is read is what was downloaded and
    validated.

    Parameters
    ----------
    kind : str
        ``"tle"`` or ``"cables"``.

    Returns
    -------
    Snapshot or None

    Raises
    ------
    RefreshError
        If the ``LATEST`` pointer names a snapshot folder that is missing or damaged, or a
        file of the snapshot changed after it was stored.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["DSRGEO_DATA_DIR"] = tempfile.mkdtemp()
    >>> latest_snapshot("tle") is None
    True
    >>> del os.environ["DSRGEO_DATA_DIR"]
    """
    root = data_dir() / kind
    pointer = root / _POINTER
    for attempt in range(3):
        name = _read_pointer(pointer)
        if name is None:
            return None
        try:
            if not name or name != Path(name).name or not (root / name).is_dir():
                raise RefreshError(
                    f"{str(pointer)!r} names snapshot {name!r}, which is not a folder in "
                    f"{str(root)!r}; run `dsrgeo refresh {kind}` again"
                )
            return Snapshot.from_folder(root / name).verify()
        except RefreshError:
            # a refresh may have swapped LATEST and pruned the folder just read: look again
            if attempt == 2 or _read_pointer(pointer) == name:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _read_pointer(pointer):
    """The snapshot name in ``LATEST``, or None when there is no pointer."""
    try:
        return pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise RefreshError(
            f"cannot read {str(pointer)!r} ({err}); run `dsrgeo refresh "
            f"{pointer.parent.name}` again"
        ) from err


# --- the lock: one refresh of a kind at a time ---------------------------------------------

_held = threading.local()  # lock files this thread holds, so nested holds do not deadlock


@contextlib.contextmanager
def refresh_lock(kind, *, timeout_s=60.0):
    """Hold the data folder's lock for ``kind``: refreshes of one kind run one at a time.

    The lock is ``fcntl.flock`` on ``<data_dir>/<kind>/.lock``, which the operating system
    releases when the process dies, however it dies (POSIX systems only). The lock file, and
    a ``kind`` folder made only for it, is removed again when the lock is let go, so a
    refresh that changed nothing leaves the data folder as it was; a lock file left by a
    killed refresh is removed by the next one that succeeds. Whoever waited on a removed
    lock file locks the new one, so two holders never overlap. Holding the lock again in the
    same thread is allowed (``write_snapshot`` inside a refresh).

    Parameters
    ----------
    kind : str
        ``"tle"`` or ``"cables"``: the sub-folder of :func:`data_dir`.
    timeout_s : float, default 60
        How long to wait for another refresh to finish.

    Yields
    ------
    pathlib.Path
        The folder of ``kind``.

    Raises
    ------
    RefreshError
        If another refresh still holds the lock after ``timeout_s``, or the folder cannot
        be made.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["DSRGEO_DATA_DIR"] = tempfile.mkdtemp()
    >>> with refresh_lock("demo") as folder:
    ...     (folder / LOCK_FILE).exists()
    True
    >>> folder.exists()  # made for the lock only, so removed with it
    False
    >>> del os.environ["DSRGEO_DATA_DIR"]
    """
    import fcntl

    root = data_dir() / kind
    lock_path = root / LOCK_FILE
    held = getattr(_held, "paths", None)
    if held is None:
        held = _held.paths = set()
    if lock_path in held:
        yield root
        return
    timeout_s = checks.number(timeout_s, "timeout_s", low=0)
    created = _missing_parents(root)
    give_up_at = time.monotonic() + timeout_s
    fd = None
    try:
        while fd is None:
            try:
                root.mkdir(parents=True, exist_ok=True)
                candidate, made = _open_lock_file(lock_path)
            except FileNotFoundError:
                continue  # another refresh removed its empty folder just now
            except OSError as err:
                raise RefreshError(
                    f"cannot lock {str(lock_path)!r} ({err.strerror or err}); check that the "
                    f"data folder is writable, or set {ENV_VAR} to another folder"
                ) from err
            try:
                _flock_until(fcntl, candidate, give_up_at, root, timeout_s)
                if _same_file(candidate, lock_path):
                    fd = candidate
                else:  # the holder removed it as we waited: lock the new one
                    os.close(candidate)
            except BaseException:
                os.close(candidate)
                raise
        held.add(lock_path)
        succeeded = False
        try:
            yield root
            succeeded = True
        finally:
            held.discard(lock_path)
            if made or succeeded:  # a failed refresh leaves a killed one's lock file alone
                with contextlib.suppress(OSError):
                    os.unlink(lock_path)  # while still holding it: waiters notice and retry
            os.close(fd)
    finally:
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: nothing was stored


def _open_lock_file(path):
    """Open (or make) the lock file; return (fd, whether this call made it)."""
    flags = os.O_RDWR | os.O_CLOEXEC
    try:
        return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644), True
    except FileExistsError:
        try:
            return os.open(path, flags), False
        except FileNotFoundError:  # removed in between: make it
            return os.open(path, flags | os.O_CREAT, 0o644), True


def _flock_until(fcntl, fd, give_up_at, root, timeout_s):
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= give_up_at:
                raise RefreshError(
                    f"another refresh of {root.name!r} is still running in {str(root)!r} "
                    f"after waiting {timeout_s:g} s; try again when it has finished"
                ) from None
            time.sleep(_LOCK_POLL_S)


def _same_file(fd, path):
    try:
        here, there = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _missing_parents(folder):
    """The folders from the first missing ancestor of ``folder`` down to it."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return list(reversed(missing))


# --- writing a snapshot ---------------------------------------------------------------------


def write_snapshot(
    kind,
    files,
    *,
    source_url,
    retrieved_utc,
    contents,
    keep=3,
    prepare=None,
    lock_timeout_s=60.0,
):
    """Store validated files as a new snapshot and make it the latest one.

    Under :func:`refresh_lock`: stale temporary folders of killed refreshes are removed, the
    new folder is written under a temporary name (``.incoming-<pid>-<random>``) and renamed
    into place once complete, then ``LATEST`` is replaced atomically. Older snapshots beyond
    the ``keep`` most recent are removed. A snapshot retrieved before the current one never
    replaces it.

    Parameters
    ----------
    kind : str
        ``"tle"`` or ``"cables"``: the sub-folder of :func:`data_dir`.
    files : list of (Download, bytes)
        Each file's provenance record and its content; ``Download.name`` is its path in the
        snapshot (``/``-separated, relative, already checked to be safe).
    source_url, retrieved_utc, contents : str
        See :class:`Snapshot`.
    keep : int, default 3
        How many snapshots to keep, the new one included (at least 1).
    prepare : callable, optional
        Called with the new folder once its files are written and before it is swapped in
        (a cables snapshot builds its layers there); if it raises, nothing is swapped. The
        files it makes are recorded in ``provenance.json`` as :class:`BuiltFile`.
    lock_timeout_s : float, default 60
        How long to wait for another refresh of ``kind`` (no wait when this thread holds
        the lock already).

    Returns
    -------
    Snapshot

    Raises
    ------
    RefreshError
        If the folder cannot be written, or the current snapshot was retrieved after this
        one; nothing is changed then.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["DSRGEO_DATA_DIR"] = tempfile.mkdtemp()
    >>> d = Download("a.txt", "http://example.org/a.txt", "2026-01-01T00:00:00Z",
    ...              hashlib.sha256(b"hi").hexdigest(), 2)
    >>> snap = write_snapshot("demo", [(d, b"hi")], source_url=d.url,
    ...                       retrieved_utc=d.retrieved_utc, contents="one file")
    >>> snap.folder.name, (snap.folder / "a.txt").read_bytes()
    ('20260101T000000Z', b'hi')
    >>> snap  # doctest: +ELLIPSIS
    Snapshot(demo: one file, 1 file, retrieved 2026-01-01T00:00:00Z, in '...20260101T000000Z')
    >>> latest_snapshot("demo") == snap
    True
    >>> del os.environ["DSRGEO_DATA_DIR"]
    """
    keep = checks.number(keep, "keep", low=1, high=1000, integer=True)
    stamp = retrieved_utc.replace("-", "").replace(":", "")
    try:
        with refresh_lock(kind, timeout_s=lock_timeout_s) as root:
            remove_stale_incoming(root)
            _check_not_older(root, kind, retrieved_utc)
            snapshot = _store(
                root, kind, files, source_url, retrieved_utc, contents, prepare, stamp
            )
            _prune(root, keep=keep, current=snapshot.folder.name)
    except OSError as err:
        if isinstance(err, RefreshError):
            raise
        raise RefreshError(
            f"could not save the new snapshot in {str(data_dir() / kind)!r} ({err}); "
            "the previous data is unchanged"
        ) from err
    return snapshot


def _store(root, kind, files, source_url, retrieved_utc, contents, prepare, stamp):
    """Write the snapshot folder, swap it in; remove every trace on any failure."""
    incoming = final = None
    try:
        incoming = root / f"{_INCOMING}{os.getpid()}-{secrets.token_hex(4)}"
        incoming.mkdir()
        for download, data in files:
            target = incoming.joinpath(*download.name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if prepare is not None:
            prepare(incoming)
        downloaded = {d.name for d, _ in files}
        built = tuple(
            BuiltFile(name, _sha256_file(path), path.stat().st_size)
            for name, path in _files_under(incoming)
            if name not in downloaded
        )
        snapshot = Snapshot(
            kind, incoming, source_url, retrieved_utc, contents, tuple(d for d, _ in files), built
        )
        (incoming / PROVENANCE_FILE).write_text(snapshot.to_json(), encoding="utf-8")
        _sync_tree(incoming)  # on disk before LATEST can name it, even after a power cut
        final = _rename_into_place(incoming, root, stamp)
        atomic_write(root / _POINTER, final.name + "\n")
    except BaseException:
        leftover = final if final is not None else incoming
        if leftover is not None:
            shutil.rmtree(leftover, ignore_errors=True)
        raise
    return dataclasses.replace(snapshot, folder=final)


def _sync_tree(folder):
    """Flush every file and folder under ``folder`` (and itself) to disk (``os.fsync``)."""
    for path in sorted(folder.rglob("*")) + [folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _files_under(folder):
    """(name with / separators, path) of every file under ``folder``, sorted by name."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            found.append(("/".join(path.relative_to(folder).parts), path))
    return sorted(found)


def _check_not_older(root, kind, retrieved_utc):
    """Refuse to replace a snapshot retrieved later than this one (another refresh's)."""
    try:
        name = _read_pointer(root / _POINTER)
        current = None if not name else Snapshot.from_folder(root / name)
    except RefreshError:
        return  # a damaged current snapshot is replaced
    if current is not None and current.retrieved_utc > retrieved_utc:
        raise RefreshError(
            f"the current {kind} snapshot {current.folder.name} was retrieved at "
            f"{current.retrieved_utc}, after this download ({retrieved_utc}); it stays the "
            "latest and this older download is not stored"
        )


def remove_stale_incoming(root):
    """Remove the temporary snapshot folders that killed refreshes left in ``root``.

    A folder ``.incoming-<pid>-<random>`` is stale once process ``pid`` is gone; a folder
    of dsrgeo 0.1 (``.incoming-XXXXXXXX``, no pid) once it is an hour old
    (:data:`dsrgeo.fileio.LEGACY_TEMP_MAX_AGE_S`).

    Parameters
    ----------
    root : str or os.PathLike
        A kind's folder in the data folder.

    Returns
    -------
    list of pathlib.Path
        The folders removed.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / ".incoming-999999999-ab12cd34").mkdir()
    >>> [p.name for p in remove_stale_incoming(root)]
    ['.incoming-999999999-ab12cd34']
    """
    removed = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.name.startswith(_INCOMING) or not entry.is_dir(follow_symlinks=False):
            continue
        match = _INCOMING_NAME.fullmatch(entry.name)
        if match is not None:
            stale = not pid_alive(match.group(1))
        else:
            try:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > LEGACY_TEMP_MAX_AGE_S
            except OSError:
                stale = False
        if stale:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def _rename_into_place(incoming, root, stamp):
    """Rename the finished folder to ``stamp`` (or ``stamp-2``...) without clobbering."""
    for attempt in range(1, 100):
        final = root / (stamp if attempt == 1 else f"{stamp}-{attempt}")
        if final.exists():
            continue
        try:
            os.rename(incoming, final)
        except OSError:
            if final.exists():  # another refresh won the race for this name
                continue
            raise
        return final
    raise RefreshError(f"too many snapshots named {stamp!r} in {str(root)!r}")


def _snapshot_order(name):
    """Sort key of snapshot folder names: the stamp, then the -2, -3 ... suffix as a number."""
    stamp, _, suffix = name.partition("-")
    return (stamp, int(suffix) if suffix.isdigit() else 0, suffix)


#: Names of the snapshot folders :func:`write_snapshot` makes: the UTC stamp of the download,
#: then ``-2``, ``-3``... for a second snapshot of the same second.
_SNAPSHOT_NAME = re.compile(r"\d{8}T\d{6}(?:\.\d+)?Z(?:-\d+)?", re.ASCII)


def _prune(root, *, keep, current):
    """Remove all but the ``keep`` newest snapshot folders (never ``current``).

    Only folders named as :func:`write_snapshot` names them count (:data:`_SNAPSHOT_NAME`): a
    folder a user put beside them is neither removed nor counted. The layers built from a
    removed snapshot are inside it and go with it.
    """
    names = sorted(
        (p.name for p in root.iterdir() if p.is_dir() and _SNAPSHOT_NAME.fullmatch(p.name)),
        key=_snapshot_order,
    )
    for name in names[:-keep] if len(names) > keep else []:
        if name != current:
            shutil.rmtree(root / name, ignore_errors=True)


def latest_tle_path():
    """Return the refreshed TLE file, or None if ``dsrgeo refresh tle`` never succeeded.

    Returns
    -------
    pathlib.Path or None
        A 3-line-per-satellite TLE text file (name line, line 1, line 2) whose checksums and
        line pairs were checked; its provenance is in ``provenance.json`` beside it.

    Raises
    ------
    RefreshError
        If the data folder's pointer to the latest snapshot is damaged.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["DSRGEO_DATA_DIR"] = tempfile.mkdtemp()
    >>> latest_tle_path() is None
    True
    >>> del os.environ["DSRGEO_DATA_DIR"]
    """
    snapshot = latest_snapshot("tle")
    return None if snapshot is None else snapshot.folder / TLE_FILE


def latest_cables_dir():
    """Return the refreshed cable folder, or None if ``dsrgeo refresh cables`` never succeeded.

    Returns
    -------
    pathlib.Path or None
        A folder with the layout of the shipped ``layers/sources/cables/`` plus the layers
        built from it (``layers/``) and ``provenance.json``.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["DSRGEO_DATA_DIR"] = tempfile.mkdtemp()
    >>> latest_cables_dir() is None
    True
    >>> del os.environ["DSRGEO_DATA_DIR"]
    """
    snapshot = latest_snapshot("cables")
    return None if snapshot is None else snapshot.folder
