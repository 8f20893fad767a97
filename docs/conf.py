"""Sphinx configuration of dsrgeo's documentation.

Build it (offline, warnings as errors) from the checkout's root::

    python -m sphinx -W -b html docs docs/_build/html

The docs describe the checkout they sit in: its ``dsrgeo`` goes first on ``sys.path`` (and on
the notebook kernel's ``PYTHONPATH``), whatever else is installed. Nothing is fetched: no
intersphinx, no web fonts or CDN scripts; the notebooks run locally at build time.
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path[:0] = [str(REPO), str(DOCS / "_ext")]

import dsrgeo  # noqa: E402  (the checkout's, from the path set above)

project = "dsrgeo"
author = "the dsrgeo authors"
copyright = "2026, the dsrgeo authors"
version = release = dsrgeo.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
    "dsrgeo_docs",
]

root_doc = "index"
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = [
    "_build",
    "_ext",
    "gallery/**",  # images and the script that makes them; the page is gallery.md
    "**.ipynb_checkpoints",
]
templates_path = []
smartquotes = False  # catalog text and CLI help are shown verbatim, quotes included

# -- API reference: autodoc + numpydoc ----------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the numpydoc sections give the types
autosummary_generate = False  # dsrgeo_docs writes the pages from __all__
numpydoc_show_class_members = True
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
add_module_names = True
# Every documented name has a docstring and every parameter a description; with -W a public
# function that lacks them fails the build. A class that lists its fields under Attributes
# (the dataclasses, the Map) documents its constructor there.
numpydoc_validation_checks = {"GL08", "PR01", "PR02", "PR07", "PR10"}
numpydoc_validation_overrides = {"PR01": [r"\n\s*Attributes\n\s*-{10}"]}
# A constant (an UPPER_CASE name) is documented by its ``#:`` comment; numpydoc would check the
# docstring of its value's type instead (a mappingproxy has none, a tuple's is the tuple's)
numpydoc_validation_exclude = {r"\.[A-Z][A-Z0-9_]*$"}

# -- MyST and notebooks ---------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
nb_execution_mode = "off"  # dsrgeo_docs has executed them (see dsrgeo_docs.notebooks)
nb_ipywidgets_js = {}  # no widget scripts from a CDN
nb_merge_streams = True

# Figures that must match the code, computed when the docs are built.
_layers = dsrgeo.layers()
myst_substitutions = {
    "version": dsrgeo.__version__,
    "n_layers": str(len(_layers)),
    "n_cables": f"{int(_layers.set_index('id').loc['cables', 'features']):,}",
}

# -- HTML -----------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"dsrgeo {dsrgeo.__version__}"
html_static_path = ["_static"]
html_css_files = ["dsrgeo.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_context = {"default_mode": "light"}
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 8,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
