"""The API reference, generated at build time from the package's public names.

``docs/api/`` is written on every build (and ignored by git): ``index.rst``, one page per
public module (its docstring, then tables of its classes, functions, exceptions and
constants) and, in ``api/generated/``, one page per function or class with its full
numpydoc docstring: parameters, returns, raises and the examples the test suite runs.
"""

from dsrgeo_docs.files import sync_folder
from dsrgeo_docs.public import public_entries

#: Sections of a module page: (kind, heading).
SECTIONS = (
    ("module", "Modules"),
    ("class", "Classes"),
    ("function", "Functions"),
    ("exception", "Errors and warnings"),
    ("data", "Constants"),
)

INTRO = """\
Every public name of dsrgeo, generated from the package at build time: a module's page
lists what its ``__all__`` exports, and each function or class has its own page with the
parameters, what it returns, the errors it raises and examples (the test suite runs every
example). A name reachable from two modules (``dsrgeo.cable_graph`` is also
``dsrgeo.analysis.cable_graph``) is documented once, under its shortest name.

Errors are all in :mod:`dsrgeo.errors`; each is also a builtin (``ValueError``,
``KeyError``, ``OSError``), and the most common are importable from ``dsrgeo`` itself. The
command line is described in :doc:`/cli`.
"""


def _title(text, char="="):
    return f"{text}\n{char * len(text)}\n"


def _has_page(entry):
    """Functions and classes get a page each; modules have theirs, constants sit inline."""
    return entry.is_canonical and entry.kind not in ("module", "data")


def _object_page(entry):
    directive = {
        "class": "autoclass",
        "exception": "autoexception",
        "function": "autofunction",
    }[entry.kind]
    lines = [
        _title(entry.qualname),
        f".. currentmodule:: {entry.module}\n",
        f".. {directive}:: {entry.name}",
    ]
    if entry.kind in ("class", "exception"):
        lines.append("   :members:")
    return "\n".join(lines) + "\n"


def _module_page(module, entries):
    lines = [
        _title(module),
        f".. automodule:: {module}",
        "   :no-members:",
        "",
        f".. currentmodule:: {module}",
        "",
    ]
    for kind, heading in SECTIONS:
        rows = [entry for entry in entries if entry.kind == kind]
        if not rows:
            continue
        lines += [_title(heading, "-")]
        if kind == "data":
            for entry in rows:
                lines += [f".. autodata:: {entry.name}", ""]
            continue
        lines += [".. autosummary::", "   :nosignatures:", ""]
        # a name of this module by its short name; one documented elsewhere by its full one
        lines += [
            f"   {entry.name}" if entry.is_canonical else f"   ~{entry.canonical}" for entry in rows
        ]
        lines += [""]
    own = [f"generated/{e.qualname}" for e in entries if _has_page(e)]
    if own:
        lines += [".. toctree::", "   :hidden:", "", *[f"   {page}" for page in own], ""]
    return "\n".join(lines)


def _index_page(modules):
    lines = [_title("API reference"), INTRO, ".. autosummary::", ""]
    lines += [f"   {module}" for module in modules]
    lines += ["", ".. toctree::", "   :hidden:", "", *[f"   {module}" for module in modules]]
    return "\n".join(lines) + "\n"


def write_api(docs_dir):
    """Write ``docs_dir/api``: the index, the module pages and one page per object.

    Returns
    -------
    dict
        {module name: [Entry, ...]}, the names documented.
    """
    entries = public_entries()
    folder = docs_dir / "api"
    pages = {"index.rst": _index_page(list(entries))}
    objects = {}
    for module, rows in entries.items():
        pages[f"{module}.rst"] = _module_page(module, rows)
        for entry in rows:
            if _has_page(entry):
                objects[f"{entry.qualname}.rst"] = _object_page(entry)
    sync_folder(folder, pages, pattern="*.rst")
    sync_folder(folder / "generated", objects, pattern="*.rst")
    return entries
