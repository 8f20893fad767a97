"""dsrgeo's public names, read from the package itself: what the API reference documents.

The reference covers ``dsrgeo.__all__`` (and every module named there, such as
``dsrgeo.gnss``), then the public modules users import by name. Each module contributes its
own ``__all__``, so a function added to one of them gets its entry without editing the docs.
A function or class reachable under two names (``dsrgeo.cable_graph`` is
``dsrgeo.analysis.cable_graph``) is documented once, under the first name in this order, and
the other module's summary links to it.
"""

import dataclasses
import importlib
import inspect

#: Public modules that are not attributes listed in ``dsrgeo.__all__``, in reference order.
EXTRA_MODULES = (
    "dsrgeo.maps",
    "dsrgeo.analysis",
    "dsrgeo.sides",
    "dsrgeo.export",
    "dsrgeo.report",
    "dsrgeo.catalog",
    "dsrgeo.refresh",
    "dsrgeo.errors",
)
#: Names of ``__all__`` that are not entries of their own.
SKIPPED = frozenset({"__version__"})


@dataclasses.dataclass(frozen=True)
class Entry:
    """One public name of a module.

    ``canonical`` is the dotted name the object is documented under (``qualname`` itself
    unless another module documents the same object first); ``kind`` is ``module``,
    ``class``, ``exception``, ``function`` or ``data``.
    """

    module: str
    name: str
    kind: str
    canonical: str

    @property
    def qualname(self):
        """``module.name``."""
        return f"{self.module}.{self.name}"

    @property
    def is_canonical(self):
        """True if the object is documented under this name."""
        return self.canonical == self.qualname


def public_modules():
    """Return the names of the documented modules, ``dsrgeo`` first."""
    import dsrgeo

    names = ["dsrgeo"]
    for name in dsrgeo.__all__:
        value = getattr(dsrgeo, name)
        if inspect.ismodule(value):
            names.append(value.__name__)
    names += EXTRA_MODULES
    return list(dict.fromkeys(names))


def _kind(value):
    if inspect.ismodule(value):
        return "module"
    if inspect.isclass(value):
        return "exception" if issubclass(value, BaseException) else "class"
    if inspect.isroutine(value):
        return "function"
    return "data"


def public_entries():
    """Return {module name: [Entry, ...]} in reference order.

    Raises
    ------
    AttributeError
        If a module's ``__all__`` names something the module does not have.
    """
    seen = {}  # id(object) -> canonical dotted name, for functions and classes only
    entries = {}
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        rows = []
        for name in getattr(module, "__all__", ()):
            if name in SKIPPED:
                continue
            value = getattr(module, name)
            kind = _kind(value)
            qualname = f"{module_name}.{name}"
            if kind == "module":
                canonical = value.__name__
            elif kind == "data":
                canonical = qualname
            else:
                canonical = seen.setdefault(id(value), qualname)
            rows.append(Entry(module_name, name, kind, canonical))
        entries[module_name] = rows
    return entries
