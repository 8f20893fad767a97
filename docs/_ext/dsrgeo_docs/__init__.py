"""Sphinx extension of dsrgeo's docs: the pages generated from the package at build time.

Before Sphinx reads the sources (``builder-inited``) it writes the API reference
(:mod:`dsrgeo_docs.api`), one stub per layer (:mod:`dsrgeo_docs.layers`) and the executed
notebooks (:mod:`dsrgeo_docs.notebooks`) into git-ignored folders of ``docs/``. The
directives ``dsrgeo-layer``, ``dsrgeo-layer-table``, ``dsrgeo-citations``, ``dsrgeo-cli``
and ``dsrgeo-gallery`` turn the catalog, the argparse parser and the gallery folder into
pages. Nothing here is typed from the code: a new public function, layer, notebook,
subcommand or screenshot appears on the next build.
"""

from pathlib import Path

from sphinx.util import logging

from dsrgeo_docs.api import write_api
from dsrgeo_docs.layers import write_layer_pages
from dsrgeo_docs.notebooks import execute_notebooks

logger = logging.getLogger(__name__)


def generate(app):
    """Write the generated sources (``builder-inited``)."""
    docs_dir = Path(app.srcdir)
    repo = docs_dir.parent  # the checkout these docs describe (conf.py imports its dsrgeo)
    cache = docs_dir / "_build" / ".notebook-cache"
    entries = write_api(docs_dir)
    logger.info(
        f"dsrgeo API: {sum(len(rows) for rows in entries.values())} names in {len(entries)} modules"
    )
    write_layer_pages(docs_dir)
    report = execute_notebooks(repo, docs_dir, cache)
    logger.info(f"dsrgeo notebooks: {report}")


def setup(app):
    """Register the generator and the directives."""
    app.connect("builder-inited", generate)
    for part in ("dsrgeo_docs.layers", "dsrgeo_docs.cli", "dsrgeo_docs.gallery"):
        app.setup_extension(part)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
