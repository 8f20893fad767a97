"""Deterministic element ids for folium/branca trees, so identical maps give identical HTML.

branca gives every element a random id (``Element._generate_id`` reads ``os.urandom``), which
ends up in JavaScript variable names and ``<div id=...>``. While a map is built and rendered,
:func:`deterministic_ids` swaps that one class method for a counter that starts from a seed
derived from the map's content, and restores the original afterwards. Two different maps get
different seeds, so two fragments on one page do not collide; nothing leaks between maps.
"""

import contextlib
import hashlib
import itertools
import threading

__all__ = ["content_seed", "deterministic_ids"]

_LOCK = threading.RLock()  # one patched render at a time; others wait

SEED_HEX_CHARS = 12  # 48 bits of the content hash: collisions between two maps are negligible


def content_seed(*parts):
    """Return a short hex seed that depends on every part given (strings or bytes).

    Parameters
    ----------
    *parts : str or bytes
        The content that identifies a map (title, layer data, options).

    Returns
    -------
    str
        ``SEED_HEX_CHARS`` lowercase hex digits.

    Examples
    --------
    >>> content_seed("a", "b") == content_seed("a", "b")
    True
    >>> content_seed("a", "b") == content_seed("ab")
    False
    """
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else bytes(part)
        digest.update(len(data).to_bytes(8, "big"))  # length prefix: ("a","b") != ("ab",)
        digest.update(data)
    return digest.hexdigest()[:SEED_HEX_CHARS]


@contextlib.contextmanager
def deterministic_ids(seed):
    """Within the block, new branca elements get ids ``<seed><counter>`` instead of random ones.

    Parameters
    ----------
    seed : str
        Hex string from :func:`content_seed`; the same seed gives the same sequence of ids.

    Yields
    ------
    None

    Examples
    --------
    >>> from branca.element import Element
    >>> with deterministic_ids("abc"):
    ...     first = Element()._id
    >>> with deterministic_ids("abc"):
    ...     again = Element()._id
    >>> first == again == "abc000001"
    True
    >>> Element()._id != first  # random again outside the block
    True
    """
    from branca.element import Element

    counter = itertools.count(1)

    def _next_id(cls):
        return f"{seed}{next(counter):06d}"

    with _LOCK:
        original = Element.__dict__["_generate_id"]
        Element._generate_id = classmethod(_next_id)
        try:
            yield
        finally:
            Element._generate_id = original
