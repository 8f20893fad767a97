"""Small text helpers shared by every tier: slugs, column names in words, "did you mean" hints."""

import difflib
import re
import unicodedata

__all__ = ["cell_text", "column_words", "did_you_mean", "slug"]


def slug(text):
    """Return a lower-case ASCII slug of ``text``.

    Examples
    --------
    >>> slug("São Tomé, Príncipe")
    'sao-tome-principe'
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def column_words(column):
    """Return a column name as words, the first capitalised (a label, a legend title).

    Examples
    --------
    >>> column_words("bds_max"), column_words("_id")
    ('Bds max', 'Id')
    """
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def did_you_mean(word, choices, *, n=3, cutoff=0.5):
    """Return ``"; did you mean 'a', 'b'?"`` for the choices close to ``word``, or ``""``.

    Parameters
    ----------
    word : str
        What the user gave.
    choices : iterable of str
        What would have been accepted.
    n : int
        At most this many suggestions.
    cutoff : float
        Similarity threshold of :func:`difflib.get_close_matches` (0..1).

    Examples
    --------
    >>> did_you_mean("cabels", ["cables", "land"])
    "; did you mean 'cables'?"
    >>> did_you_mean("zzz", ["cables"])
    ''
    """
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=n, cutoff=cutoff)
    return f"; did you mean {', '.join(map(repr, close))}?" if close else ""


def cell_text(value):
    """A table cell as a report shows it, in its HTML page and its PDF alike.

    Missing values (None, NaN, pandas' NA and NaT) are empty; a float that is a whole number
    is written without ``.0``.

    Examples
    --------
    >>> [cell_text(v) for v in (260.0, 12.5, None, float("nan"), "PEACE", ["a", "b"])]
    ['260', '12.5', '', '', 'PEACE', "['a', 'b']"]
    """
    if not isinstance(value, list | tuple) and _missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _missing(value):
    """True for None and for values unequal to themselves (NaN, NaT) or of no truth (NA)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pandas' NA has no truth value
        return True
    except ValueError:  # an array's comparison is many values: a cell with data
        return False
