"""Small docutils node builders for the generated pages (text goes in as text, never markup).

Catalog descriptions and CLI help strings hold characters that reST or Markdown would read
as markup (``*``, ``|``, backticks); building nodes directly keeps every value verbatim.
"""

from docutils import nodes

#: Link targets the generated pages make clickable; anything else is shown as a path.
WEB_SCHEMES = ("http://", "https://")


def text_or_nodes(value):
    """Return a list of inline nodes for a str (as text) or a node or list of nodes."""
    if value is None:
        return []
    if isinstance(value, nodes.Node):
        return [value]
    if isinstance(value, list | tuple):
        return [node for item in value for node in text_or_nodes(item)]
    return [nodes.Text(str(value))]


def paragraph(*parts):
    """Return a paragraph of text and inline nodes."""
    para = nodes.paragraph()
    para.extend(text_or_nodes(list(parts)))
    return para


def literal(text):
    """Return inline code."""
    return nodes.literal(text=str(text))


def link(text, url):
    """Return a link if ``url`` is a web address, else the text and the address as code.

    Returns
    -------
    list of docutils.nodes.Node
    """
    if str(url).startswith(WEB_SCHEMES):
        return [nodes.reference("", str(text), refuri=str(url))]
    return [nodes.Text(f"{text} ("), literal(url), nodes.Text(")")]


def code_block(text, language="python"):
    """Return a highlighted literal block."""
    block = nodes.literal_block(text, text)
    block["language"] = language
    return block


def section(document, title, *children):
    """Return a section titled ``title`` holding ``children``, with a unique anchor."""
    node = nodes.section()
    node["names"].append(nodes.fully_normalize_name(title))
    node += nodes.title(text=title)
    document.note_implicit_target(node)
    node.extend(children)
    return node


def table(headers, rows, *, widths=None, classes=()):
    """Return a table with a header row; each cell is a str, a node or a list of nodes."""
    widths = widths or [1] * len(headers)
    group = nodes.tgroup(cols=len(headers))
    group.extend(nodes.colspec(colwidth=width) for width in widths)

    def row_node(cells):
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += paragraph(cell)
            row += entry
        return row

    head = nodes.thead()
    head += row_node(headers)
    body = nodes.tbody()
    body.extend(row_node(cells) for cells in rows)
    group += head
    group += body
    node = nodes.table(classes=["colwidths-given", *classes])
    node += group
    return node


def field_list(fields):
    """Return a field list of (name, value) pairs (values as in :func:`table`)."""
    node = nodes.field_list()
    for name, value in fields:
        field = nodes.field()
        field += nodes.field_name(text=name)
        body = nodes.field_body()
        body += paragraph(value)
        field += body
        node += field
    return node
