"""Exceptions and warnings that dsrgeo raises on purpose.

Every error derives from :class:`DsrgeoError` and also from the builtin a caller would
expect (``KeyError`` for an unknown layer, ``ValueError`` for bad data), so either
``except`` clause works.
"""

__all__ = [
    "DsrgeoError",
    "LayerNotFoundError",
    "InvalidLayerError",
    "AsOfOutOfRangeError",
    "ElementSetError",
    "MissingDependencyError",
    "RefreshError",
    "ExportError",
    "DsrgeoWarning",
    "StaleElementsWarning",
]


class DsrgeoError(Exception):
    """Base class for errors dsrgeo raises on purpose."""


class LayerNotFoundError(DsrgeoError, KeyError):
    """No layer with this id; the message lists the available ids."""

    def __init__(self, layer_id, available):
        self.layer_id = layer_id
        self.available = tuple(available)
        super().__init__(layer_id)

    def __str__(self):  # KeyError would repr-quote the whole text
        return (
            f"no layer {self.layer_id!r}; available: {', '.join(self.available)}. "
            "See dsrgeo.layers() for titles and sources."
        )


class InvalidLayerError(DsrgeoError, ValueError):
    """A layer file or catalog entry is malformed; names file, feature and field."""

    def __init__(self, message, *, path=None, feature=None, field=None):
        self.path = None if path is None else str(path)
        self.feature = feature
        self.field = field
        where = []
        if self.path is not None:
            where.append(f"file {self.path}")
        if feature is not None:
            where.append(f"feature {feature!r}")
        if field is not None:
            where.append(f"field {field!r}")
        text = f"{', '.join(where)}: {message}" if where else message
        super().__init__(text)


class AsOfOutOfRangeError(DsrgeoError, ValueError):
    """``as_of`` lies outside the years the data covers."""

    def __init__(self, as_of, first_year, last_year, layer_id=None):
        self.as_of = as_of
        self.first_year = first_year
        self.last_year = last_year
        self.layer_id = layer_id
        what = f"layer {layer_id!r}" if layer_id else "the data"
        super().__init__(
            f"as_of={as_of!r} is outside the years {what} covers "
            f"({first_year}-{last_year}); pass a year in that range or as_of=None"
        )


class ElementSetError(DsrgeoError, ValueError):
    """An unparsable two-line element set, a bad checksum, or an SGP4 error code."""

    def __init__(self, message, *, source=None, line_number=None):
        self.source = source
        self.line_number = line_number
        where = []
        if source is not None:
            where.append(str(source))
        if line_number is not None:
            where.append(f"line {line_number}")
        super().__init__(f"{':'.join(where)}: {message}" if where else message)


class MissingDependencyError(DsrgeoError, ImportError):
    """An optional dependency is missing; the message says what to install."""


class RefreshError(DsrgeoError, OSError):
    """A refresh download failed, was truncated or did not validate; old data kept."""


class ExportError(DsrgeoError, ValueError):
    """A static export or report was asked for with impossible options (size, format, year)."""


class DsrgeoWarning(UserWarning):
    """Base class for dsrgeo's warnings."""


class StaleElementsWarning(DsrgeoWarning):
    """The time window is far (more than 14 days) from the TLE epochs."""
