"""Deterministic element ids for a map's folium/branca tree, so identical maps give identical HTML.

branca gives every element a random id when it is created (``Element._generate_id`` reads
``os.urandom``), and the ids end up in JavaScript variable names and ``<div id=...>``. Before a
page is rendered, :func:`assign_ids` walks the map's own tree and gives each element an id
derived from the map's content and the element's place in the tree. Nothing global is
patched: maps built at the same time in other threads, by dsrgeo or by folium directly, keep
their own ids.
"""

import hashlib
import itertools

from branca.element import Element

__all__ = ["SEED_HEX_CHARS", "assign_ids", "content_seed"]

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


def assign_ids(root, seed):
    """Give ``root`` and every element below it the id ``<seed><counter>``, in tree order.

    A branca ``Figure``'s ``header``, ``html`` and ``script`` parts are walked too.

    Parameters
    ----------
    root : branca.element.Element
    seed : str
        From :func:`content_seed`; the same seed and tree give the same ids.

    Returns
    -------
    int
        How many elements got an id.

    Examples
    --------
    >>> from branca.element import Element, Figure
    >>> figure = Figure()
    >>> _ = figure.add_child(Element("<p>hi</p>"), name="p")
    >>> assign_ids(figure, "abc")
    6
    >>> figure._id, figure._children["p"]._id
    ('abc000001', 'abc000002')
    """
    counter = itertools.count(1)
    stack = [root]
    seen = 0
    while stack:
        element = stack.pop()
        element._id = f"{seed}{next(counter):06d}"
        seen += 1
        parts = [getattr(element, p, None) for p in ("header", "html", "script")]
        children = list(element._children.values()) + [p for p in parts if isinstance(p, Element)]
        stack.extend(reversed(children))
    return seen
