"""Argument checks shared by the public functions: each raises :class:`ParameterError`.

Every check names the argument and says what is allowed, so a user never meets a traceback
from deep inside numpy or matplotlib for a value that could have been refused at the door.
"""

import datetime as _dt
import math
import numbers

from dsrgeo.errors import ParameterError
from dsrgeo.text import did_you_mean

__all__ = [
    "aware_datetime",
    "boolean",
    "choice",
    "number",
    "text",
    "year",
]


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def number(value, parameter, *, low=None, high=None, low_open=False, integer=False):
    """Return ``value`` as a float (or int) after checking it is finite and in range.

    Parameters
    ----------
    value : object
        What the caller passed.
    parameter : str
        The argument's name, for the message.
    low, high : float, optional
        Bounds (inclusive, unless ``low_open``).
    low_open : bool
        ``low`` itself is not allowed (e.g. a step must be > 0).
    integer : bool
        Require a whole number and return an int.

    Raises
    ------
    ParameterError
        If ``value`` is not a finite real number (bools are refused) or is out of range.

    Examples
    --------
    >>> number(60, "step_s", low=0, low_open=True)
    60.0
    >>> number(float("nan"), "step_s")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: step_s: expected a finite number, got nan
    """
    if not _is_real(value) or not math.isfinite(float(value)):
        raise ParameterError(f"expected a finite number, got {value!r}", parameter=parameter)
    if integer and float(value) != int(value):
        raise ParameterError(f"expected a whole number, got {value!r}", parameter=parameter)
    result = int(value) if integer else float(value)
    below = low is not None and (result <= low if low_open else result < low)
    above = high is not None and result > high
    if below or above:
        left = "(" if low_open else "["
        span = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        raise ParameterError(f"expected a number in {span}, got {value!r}", parameter=parameter)
    return result


def year(value, parameter="as_of"):
    """Return ``value`` as an int year, refusing bools, fractions and text.

    Examples
    --------
    >>> year(2019.0)
    2019
    >>> year("2019")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: as_of: expected a year such as 2019, got '2019'
    """
    if not _is_real(value) or not math.isfinite(float(value)) or float(value) != int(value):
        raise ParameterError(f"expected a year such as 2019, got {value!r}", parameter=parameter)
    return int(value)


def choice(value, parameter, choices):
    """Return ``value`` if it is one of ``choices`` (compared with ``==``).

    Examples
    --------
    >>> choice("short", "credit", ("short", "full"))
    'short'
    >>> choice("shrot", "credit", ("short", "full"))
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: credit: expected one of 'short', 'full', got 'shrot'; did you mean 'short'?
    """
    try:
        allowed = value in choices
    except TypeError:
        allowed = False
    if not allowed:
        options = ", ".join(map(repr, choices))
        hint = did_you_mean(value, [str(c) for c in choices]) if isinstance(value, str) else ""
        raise ParameterError(f"expected one of {options}, got {value!r}{hint}", parameter=parameter)
    return value


def boolean(value, parameter):
    """Return ``value`` if it is a bool (numpy bools too), else refuse it.

    Examples
    --------
    >>> boolean(True, "show")
    True
    >>> boolean("yes", "show")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: show: expected True or False, got 'yes'
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise ParameterError(f"expected True or False, got {value!r}", parameter=parameter)


def text(value, parameter, *, max_chars=1000, allow_none=True):
    """Return ``value`` as a str of at most ``max_chars`` characters (None passes if allowed).

    Examples
    --------
    >>> text("Digital Silk Road", "title")
    'Digital Silk Road'
    >>> text(3, "title")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: title: expected text, got 3
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise ParameterError(f"expected text, got {value!r}", parameter=parameter)
    if len(value) > max_chars:
        raise ParameterError(
            f"expected at most {max_chars} characters, got {len(value)}", parameter=parameter
        )
    return value


def aware_datetime(value, parameter):
    """Return ``value`` if it is a timezone-aware datetime; a naive one is an error.

    Examples
    --------
    >>> aware_datetime(_dt.datetime(2022, 2, 5), "start")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: start: datetime.datetime(2022, 2, 5, 0, 0) is a naive datetime; give a timezone, e.g. datetime(..., tzinfo=datetime.timezone.utc)
    """
    if not isinstance(value, _dt.datetime):
        raise ParameterError(
            f"expected a timezone-aware datetime, got {value!r}", parameter=parameter
        )
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ParameterError(
            f"{value!r} is a naive datetime; give a timezone, "
            "e.g. datetime(..., tzinfo=datetime.timezone.utc)",
            parameter=parameter,
        )
    return value
