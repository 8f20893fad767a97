"""The per-user data folder and the refreshed snapshots in it (never the installed package).

Layout, one folder per kind of data (``tle``, ``cables``)::

    <data_dir>/<kind>/LATEST                      name of the current snapshot (one line)
    <data_dir>/<kind>/20261128T125003Z/           one complete, validated download
    <data_dir>/<kind>/20261128T125003Z/provenance.json
    <data_dir>/cables/20261128T125003Z/layers/    the cable layers built from that download
                                                  before it was swapped in (what
                                                  ``load(..., snapshot="latest")`` reads)

A snapshot folder is written under a temporary name, renamed into place once complete, and
only then does ``LATEST`` (replaced atomically) point to it, so a reader sees either the old
snapshot or the new one, never a mixture.
"""

import dataclasses
import json
import os
import shutil
import tempfile
from pathlib import Path

from dsrgeo import catalog
from dsrgeo.errors import ParameterError, RefreshError
from dsrgeo.fileio import atomic_write

__all__ = [
    "ENV_VAR",
    "LAYERS_FOLDER",
    "PROVENANCE_FILE",
    "TLE_FILE",
    "Download",
    "Snapshot",
    "data_dir",
    "latest_cables_dir",
    "latest_snapshot",
    "latest_tle_path",
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
_POINTER = "LATEST"


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
        The URL it was downloaded from.
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
    """

    kind: str
    folder: Path
    source_url: str
    retrieved_utc: str
    contents: str
    downloads: tuple

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
        return json.dumps(record, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_folder(cls, folder):
        """Read a snapshot back from its folder's ``provenance.json``.

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
            return cls(
                kind=record["kind"],
                folder=folder,
                source_url=record["source_url"],
                retrieved_utc=record["retrieved_utc"],
                contents=record["contents"],
                downloads=downloads,
            )
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise RefreshError(
                f"cannot read the provenance of snapshot {str(folder)!r} ({err}); "
                "run `dsrgeo refresh` again to download a fresh snapshot"
            ) from err


def latest_snapshot(kind):
    """Return the current refreshed snapshot of ``kind``, or None if there is none.

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
        If the ``LATEST`` pointer names a snapshot folder that is missing or damaged.

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
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    if not name or name != Path(name).name or not (root / name).is_dir():
        raise RefreshError(
            f"{str(pointer)!r} names snapshot {name!r}, which is not a folder in "
            f"{str(root)!r}; run `dsrgeo refresh {kind}` again"
        )
    return Snapshot.from_folder(root / name)


def write_snapshot(kind, files, *, source_url, retrieved_utc, contents, keep=3, prepare=None):
    """Store validated files as a new snapshot and make it the latest one.

    Nothing existing is modified until the new folder is complete; then ``LATEST`` is
    replaced atomically. Older snapshots beyond the ``keep`` most recent are removed.

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
        (a cables snapshot builds its layers there); if it raises, nothing is swapped.

    Returns
    -------
    Snapshot

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["DSRGEO_DATA_DIR"] = tempfile.mkdtemp()
    >>> d = Download("a.txt", "http://example.org/a.txt", "2026-01-01T00:00:00Z", "0" * 64, 2)
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
    root = data_dir() / kind
    stamp = retrieved_utc.replace("-", "").replace(":", "")
    incoming = final = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        incoming = Path(tempfile.mkdtemp(prefix=".incoming-", dir=root))
        for download, data in files:
            target = incoming.joinpath(*download.name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        snapshot = Snapshot(
            kind, incoming, source_url, retrieved_utc, contents, tuple(d for d, _ in files)
        )
        (incoming / PROVENANCE_FILE).write_text(snapshot.to_json(), encoding="utf-8")
        if prepare is not None:
            prepare(incoming)
        final = _rename_into_place(incoming, root, stamp)
        atomic_write(root / _POINTER, final.name + "\n")
    except BaseException as err:
        if final is not None or incoming is not None:
            shutil.rmtree(final if final is not None else incoming, ignore_errors=True)
        if isinstance(err, OSError) and not isinstance(err, RefreshError):
            raise RefreshError(
                f"could not save the new snapshot in {str(root)!r} ({err}); "
                "the previous data is unchanged"
            ) from err
        raise
    _prune(root, keep=max(1, keep), current=final.name)
    return dataclasses.replace(snapshot, folder=final)


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


def _prune(root, *, keep, current):
    """Remove all but the ``keep`` newest snapshot folders (never ``current``).

    The layers built from a removed snapshot are inside it and go with it.
    """
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
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
