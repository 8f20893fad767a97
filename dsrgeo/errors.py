"""The errors and warnings dsrgeo raises on purpose: one tree, each also a builtin.

Which error means what:

- :class:`ParameterError` (a ``ValueError``): an argument of a public function or an option
  of the command line is not allowed. The message names the argument and what is allowed.
  :class:`AsOfOutOfRangeError` and :class:`WorkTooLargeError` are kinds of it.
- :class:`LayerNotFoundError` (a ``KeyError``): no layer with this id.
- :class:`InvalidLayerError` (a ``ValueError``): layer data (a shipped file, a user's GeoJSON,
  a frame handed to ``Map.add``) is malformed; names the file, feature and field.
- :class:`ElementSetError` (a ``ValueError``): an unusable two-line element set.
- :class:`RefreshError` (an ``OSError``): a download failed, was cut short or did not
  validate; the data on disk was left as it was.

Catch :class:`DsrgeoError` for all of them, or the builtin a caller would expect.
"""

__all__ = [
    "AsOfOutOfRangeError",
    "DsrgeoError",
    "DsrgeoWarning",
    "ElementSetError",
    "InvalidLayerError",
    "LayerNotFoundError",
    "ParameterError",
    "RefreshError",
    "StaleElementsWarning",
    "WorkTooLargeError",
]


def _where(parts):
    return ", ".join(f"{label} {value}" for label, value in parts if value is not None)


class DsrgeoError(Exception):
    """Base class for errors dsrgeo raises on purpose."""


class ParameterError(DsrgeoError, ValueError):
    """An argument is not allowed; the message names it and says what is.

    Parameters
    ----------
    message : str
        What is wrong and what is allowed.
    parameter : str, optional
        The argument's name (``"as_of"``, ``"--deadline-s"``), kept as an attribute.

    Examples
    --------
    >>> str(ParameterError("must be a year such as 2019, got 'x'", parameter="as_of"))
    "as_of: must be a year such as 2019, got 'x'"
    """

    def __init__(self, message, *, parameter=None):
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}" if parameter else message)


class AsOfOutOfRangeError(ParameterError):
    """``as_of`` lies outside the years the data covers.

    The four parameters are kept as attributes.

    Parameters
    ----------
    as_of : int
        The year asked for.
    first_year, last_year : int
        The years the data covers (both included).
    layer_id : str, optional
        The layer, if one was asked for.

    Examples
    --------
    >>> err = AsOfOutOfRangeError(1990, 2013, 2025, layer_id="bri_countries")
    >>> isinstance(err, ValueError), (err.first_year, err.last_year)
    (True, (2013, 2025))
    """

    def __init__(self, as_of, first_year, last_year, layer_id=None):
        self.as_of = as_of
        self.first_year = first_year
        self.last_year = last_year
        self.layer_id = layer_id
        what = f"layer {layer_id!r}" if layer_id else "the data"
        super().__init__(
            f"{as_of!r} is outside the years {what} covers ({first_year}-{last_year}); "
            "pass a year in that range or as_of=None",
            parameter="as_of",
        )


class WorkTooLargeError(ParameterError):
    """A job would exceed the work budget; the message says how long it would take.

    ``estimate_s``, ``budget_s`` and ``parameter`` are kept as attributes.

    Parameters
    ----------
    message : str
        The job, its estimate and how to make it smaller.
    estimate_s : float
        The estimated run time in seconds on a machine like the one measured.
    budget_s : float
        The budget it exceeds, in seconds.
    parameter : str, optional
        The argument that made the job large.
    """

    def __init__(self, message, *, estimate_s, budget_s, parameter=None):
        self.estimate_s = float(estimate_s)
        self.budget_s = float(budget_s)
        super().__init__(message, parameter=parameter)


class LayerNotFoundError(DsrgeoError, KeyError):
    """No layer with this id; the message lists the available ids.

    Parameters
    ----------
    layer_id : str
        The id asked for.
    available : iterable of str
        The ids that exist (kept as the tuple ``available``).

    Examples
    --------
    >>> err = LayerNotFoundError("cable", ["cables", "land"])
    >>> print(err)
    no layer 'cable'; available: cables, land. See dsrgeo.layers() for titles and sources.
    >>> isinstance(err, KeyError), err.layer_id
    (True, 'cable')
    """

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
    """Layer data is malformed; the message names the file, feature and field.

    Parameters
    ----------
    message : str
        What is wrong and what was expected (kept as ``message``, without the place).
    path : str or os.PathLike, optional
        The file (kept as the str ``path``).
    feature : int or str, optional
        The feature's index or id.
    field : str, optional
        The property or GeoJSON member.

    Examples
    --------
    >>> print(InvalidLayerError("not a number", path="x.geojson", feature=3, field="rfs_year"))
    file x.geojson, feature 3, field 'rfs_year': not a number
    """

    def __init__(self, message, *, path=None, feature=None, field=None):
        self.message = message
        self.path = None if path is None else str(path)
        self.feature = feature
        self.field = field
        where = _where(
            [
                ("file", self.path),
                ("feature", None if feature is None else repr(feature)),
                ("field", None if field is None else repr(field)),
            ]
        )
        super().__init__(f"{where}: {message}" if where else message)


class ElementSetError(DsrgeoError, ValueError):
    """An unparsable two-line element set, a bad checksum, or an SGP4 error code.

    ``source`` and ``line_number`` are kept as attributes.

    Parameters
    ----------
    message : str
        What is wrong.
    source : str, optional
        The file (or ``"<text>"``) the element set came from.
    line_number : int, optional
        The line of ``source`` (1 for the first).

    Examples
    --------
    >>> print(ElementSetError("bad checksum", source="gps.txt", line_number=7))
    gps.txt:line 7: bad checksum
    """

    def __init__(self, message, *, source=None, line_number=None):
        self.source = source
        self.line_number = line_number
        where = []
        if source is not None:
            where.append(str(source))
        if line_number is not None:
            where.append(f"line {line_number}")
        super().__init__(f"{':'.join(where)}: {message}" if where else message)


class RefreshError(DsrgeoError, OSError):
    """A download failed, was cut short or did not validate; the old data was kept."""


class DsrgeoWarning(UserWarning):
    """Base class for dsrgeo's warnings."""


class StaleElementsWarning(DsrgeoWarning):
    """The time window is far (more than 14 days) from the TLE epochs."""
