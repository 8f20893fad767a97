"""The notebooks, executed at build time and rendered with their outputs (maps included).

Every ``notebooks/*.ipynb`` of the checkout is run top to bottom in a ``python3`` Jupyter
kernel that imports the checkout's dsrgeo, from a temporary working folder (the files the
notebooks save land there), and the executed copy is written to ``docs/notebooks/`` (ignored
by git), where myst-nb renders it without running it again. A failing cell fails the build.

An execution is kept in a cache keyed by the notebook's bytes and by everything its outputs
can depend on: every file of the ``dsrgeo`` package and of ``layers/``, the Python version and
the installed distributions. A build with none of them changed reuses the executions; any
change to code, data or dependencies runs the notebooks again, so cached outputs cannot go
stale.
"""

import hashlib
import importlib.metadata
import os
import sys
import tempfile
import time
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

from dsrgeo_docs.files import sync_folder

logger = logging.getLogger(__name__)

KERNEL = "python3"
#: No cell of the notebooks comes near this (the slowest, writing the report, takes ~6 s).
CELL_TIMEOUT_S = 180
NOTEBOOKS_DIR = "notebooks"


def notebook_paths(repo):
    """Return the checkout's notebooks, sorted by name."""
    return sorted((Path(repo) / NOTEBOOKS_DIR).glob("*.ipynb"))


def _hash_tree(digest, folder):
    folder = Path(folder)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())


def environment_key(repo):
    """Return a digest of everything a notebook's outputs depend on besides the notebook."""
    digest = hashlib.sha256()
    _hash_tree(digest, Path(repo) / "dsrgeo")
    _hash_tree(digest, Path(repo) / "layers")
    digest.update(sys.version.encode())
    versions = sorted(
        f"{dist.metadata['Name']}=={dist.version}"
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"]
    )
    digest.update("\n".join(versions).encode())
    digest.update(KERNEL.encode())
    return digest.hexdigest()


def _execute(path, repo):
    """Return the executed notebook's JSON text."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    notebook = nbformat.read(path, as_version=4)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(repo), *filter(None, [os.environ.get("PYTHONPATH")])])
    with tempfile.TemporaryDirectory(prefix="dsrgeo-notebook-") as cwd:
        client = NotebookClient(
            notebook,
            kernel_name=KERNEL,
            timeout=CELL_TIMEOUT_S,
            resources={"metadata": {"path": cwd}},
        )
        log = Path(cwd) / "kernel-stderr.txt"  # kernel chatter, shown only on failure
        with log.open("wb") as stderr:
            try:
                client.execute(env=env, stderr=stderr)
            except (CellExecutionError, DeadKernelError) as err:
                tail = log.read_text(errors="replace")[-2000:]
                raise ExtensionError(
                    f"notebook {path.name} failed at build time:\n{err}\nkernel stderr:\n{tail}"
                ) from err
    return nbformat.writes(notebook)


def _timed(path, repo):
    start = time.perf_counter()
    text = _execute(path, repo)
    return text, round(time.perf_counter() - start, 1)


def execute_notebooks(repo, docs_dir, cache_dir):
    """Write every notebook, executed, into ``docs_dir/notebooks``; reuse cached executions.

    The notebooks that need running run one after the other: side by side on two cores
    they took longer in all (their kernels use several threads each).

    Returns
    -------
    dict
        {notebook name: "cached" or seconds the execution took}.
    """
    cache_dir = Path(cache_dir)
    key = environment_key(repo)
    executed, report, todo = {}, {}, {}
    for path in notebook_paths(repo):
        entry = hashlib.sha256(path.read_bytes() + key.encode()).hexdigest()[:20]
        cached = cache_dir / path.stem / f"{entry}.ipynb"  # a folder per notebook
        if cached.is_file():
            executed[path.name] = cached.read_text(encoding="utf-8")
            report[path.name] = "cached"
        else:
            todo[path] = cached
    if todo:
        logger.info(f"executing {', '.join(path.name for path in todo)}...")
    for path, cached in todo.items():
        text, report[path.name] = _timed(path, repo)
        executed[path.name] = text
        sync_folder(cached.parent, {cached.name: text}, pattern="*.ipynb")  # drops older ones
    pages = {name: _relink(text) for name, text in executed.items()}
    sync_folder(Path(docs_dir) / NOTEBOOKS_DIR, pages, pattern="*.ipynb")
    return {name: report[name] for name in sorted(report)}


def _relink(text):
    """Point the notebook's links into ``docs/`` (``../docs/gallery/x.png``) from its page.

    A notebook lives in ``notebooks/``; its page is built from ``docs/notebooks/``, one
    folder deeper into ``docs/``, so ``../docs/`` becomes ``../``.
    """
    return text.replace("](../docs/", "](../")
