"""Writing generated sources: only when their text changes, and without leaving stale files.

Sphinx rereads a source whose modification time changed, so a file is rewritten only when its
content differs; a generated folder holds exactly the files of the current build (a layer or
a notebook that was removed loses its page).
"""

from pathlib import Path


def write_if_changed(path, data):
    """Write ``data`` (str or bytes) to ``path`` unless the file already holds exactly it.

    Returns
    -------
    bool
        True if the file was written.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == raw:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_bytes(raw)
    tmp.replace(path)
    return True


def sync_folder(folder, files, *, pattern="*"):
    """Make ``folder`` hold ``files`` ({name: text}): write changed ones, delete the others.

    Only files matching ``pattern`` are deleted, so a folder can mix generated and other
    files (``notebooks/index.md`` beside the generated notebooks).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_if_changed(folder / name, data)
    for path in folder.glob(pattern):
        if path.is_file() and path.name not in files:
            path.unlink()
