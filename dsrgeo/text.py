"""Small text helpers shared by every tier: slugs, column names in words, "did you mean" hints."""

import difflib
import re
import unicodedata

__all__ = ["column_words", "did_you_mean", "slug"]


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
