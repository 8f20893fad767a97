"""Atomic file output: write beside the target, then rename, so no partial file is ever seen.

Temporary files are named ``.<target name>.<pid>-<random>.dsrgeo-tmp``. A process killed
mid-write (SIGKILL, power loss) leaves one behind; the next write to the same target removes
the temporaries whose process is gone (:func:`remove_stale_temporaries`).
"""

import contextlib
import os
import re
import secrets
import time
from pathlib import Path

__all__ = [
    "TEMP_SUFFIX",
    "atomic_path",
    "atomic_write",
    "pid_alive",
    "remove_stale_temporaries",
]

#: Suffix of every temporary file or folder dsrgeo creates beside a target.
TEMP_SUFFIX = ".dsrgeo-tmp"
#: Bytes handed to one ``os.write`` call by :func:`atomic_write`.
CHUNK_BYTES = 1 << 20
#: Leftovers of dsrgeo 0.1 (``.<name>.XXXXXXXX.tmp``, no pid) older than this are removed.
LEGACY_TEMP_MAX_AGE_S = 3600.0


def pid_alive(pid):
    """Return True if a process with this id exists on this machine.

    Examples
    --------
    >>> pid_alive(os.getpid())
    True
    """
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except (OverflowError, ValueError):
        return False
    return True


def remove_stale_temporaries(folder, name):
    """Remove temporaries of target ``name`` in ``folder`` left by processes that are gone.

    Parameters
    ----------
    folder : str or os.PathLike
    name : str
        The target's file name.

    Returns
    -------
    list of pathlib.Path
        The paths removed.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / ".map.html.999999999-ab12.dsrgeo-tmp").write_text("half a page")
    >>> [p.name for p in remove_stale_temporaries(folder, "map.html")]
    ['.map.html.999999999-ab12.dsrgeo-tmp']
    """
    folder = Path(folder)
    ours = re.compile(rf"^\.{re.escape(name)}\.(\d+)-[0-9a-f]+{re.escape(TEMP_SUFFIX)}$")
    legacy = re.compile(rf"^\.{re.escape(name)}\.[A-Za-z0-9_]{{8}}\.tmp$")
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = ours.match(entry.name)
        stale = match is not None and not pid_alive(match.group(1))
        if not stale and legacy.match(entry.name):
            with contextlib.suppress(OSError):
                stale = now - entry.stat(follow_symlinks=False).st_mtime > LEGACY_TEMP_MAX_AGE_S
        if stale and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _temporary_name(name):
    return f".{name}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it over ``path`` only on success.

    If the block raises, the temporary file is removed and an existing ``path`` is left
    untouched. The parent folder must exist. Stale temporaries of the same target left by
    killed processes are removed first.

    Parameters
    ----------
    path : str or os.PathLike
        The final file name.

    Yields
    ------
    pathlib.Path
        A path in the same folder to write the new content to.

    Raises
    ------
    FileNotFoundError
        If the folder of ``path`` does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("complete")
    >>> target.read_text()
    'complete'
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(
            f"cannot write {str(path)!r}: folder {str(folder)!r} does not exist"
        )
    remove_stale_temporaries(folder, path.name)
    tmp = folder / _temporary_name(path.name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        yield tmp
        mode = 0o644 if not path.exists() else path.stat().st_mode & 0o777
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write(path, data):
    """Write ``data`` (str as UTF-8, or bytes) to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Destination file.
    data : str or bytes
        The complete new content.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = atomic_write(pathlib.Path(tempfile.mkdtemp()) / "a.json", "{}")
    >>> p.read_text()
    '{}'
    """
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with atomic_path(path) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC)
        try:
            view = memoryview(payload)
            while view:
                view = view[_write_chunk(fd, view[:CHUNK_BYTES]) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    return Path(path)


def _write_chunk(fd, chunk):
    """Write (part of) ``chunk`` to ``fd``; return the number of bytes written."""
    return os.write(fd, chunk)
