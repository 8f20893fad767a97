"""Atomic file output: write beside the target, then rename, so no partial file is ever seen."""

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_path", "atomic_write"]


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it over ``path`` only on success.

    If the block raises, the temporary file is removed and an existing ``path`` is left
    untouched. The parent folder must exist.

    Parameters
    ----------
    path : str or os.PathLike
        The final file name.

    Yields
    ------
    pathlib.Path
        A path in the same folder to write the new content to.

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
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
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
        tmp.write_bytes(payload)
    return Path(path)
