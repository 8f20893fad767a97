"""The data pages: one page per catalog layer, the layer table and the citations, at build time.

Everything shown comes from ``catalog.json`` (through :func:`dsrgeo.catalog.get`) and from the
shipped GeoJSON (feature counts through :func:`dsrgeo.load`), so a new layer gets its page and
a changed file its new counts without editing the docs. ``docs/data/layers/`` holds one stub
per layer (``.. dsrgeo-layer:: <id>``) and ``docs/data/sources/`` the Markdown notes of the
checkout that catalog sources point to (``layers/sources/policy/SOURCES.md``), both rewritten
on every build and ignored by git.
"""

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from dsrgeo_docs import nodes as n
from dsrgeo_docs.files import sync_folder

#: Folders of the generated layer pages and source notes, relative to the docs folder.
LAYERS_DIR = "data/layers"
SOURCES_DIR = "data/sources"
HEADING = re.compile(r"^(#{1,6})(\s.*)$")
FENCE = re.compile(r"^\s*(```|~~~)")


def layer_ids():
    """Return the catalog's layer ids, in catalog order."""
    import dsrgeo

    return dsrgeo.catalog.layer_ids()


def local_sources(repo):
    """Return {source path in the catalog: docname} of the Markdown notes sources point to.

    A catalog source whose ``url`` is a Markdown file of the checkout (the compiled tables'
    ``layers/sources/policy/SOURCES.md``) gets a page, so the data pages can link to it.
    """
    import dsrgeo

    found = {}
    for layer_id in layer_ids():
        for source in dsrgeo.catalog.get(layer_id).sources:
            url = str(source["url"])
            if url.endswith(".md") and not url.startswith(n.WEB_SCHEMES) and (repo / url).is_file():
                slug = re.sub(r"[^a-z0-9]+", "-", Path(url).with_suffix("").as_posix().lower())
                found[url] = f"{SOURCES_DIR}/{slug.removeprefix('layers-sources-').strip('-')}"
    return found


def consecutive_headings(text):
    """Return Markdown text whose headings never skip a level (H2 then H4 becomes H2, H3).

    The source notes are written to be read as files; Sphinx warns (an error here) when a
    heading skips a level. Lines inside fenced code blocks are left alone.
    """
    lines, level, fenced = [], 0, False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            level = min(len(match.group(1)), level + 1)
            line = "#" * level + match.group(2)
        lines.append(line)
    return "\n".join(lines) + "\n"


def write_layer_pages(docs_dir):
    """Write a stub page per catalog layer and a page per local source note."""
    repo = Path(docs_dir).parent
    pages = {f"{layer_id}.rst": f".. dsrgeo-layer:: {layer_id}\n" for layer_id in layer_ids()}
    sync_folder(docs_dir / LAYERS_DIR, pages, pattern="*.rst")
    notes = {
        f"{docname.rpartition('/')[2]}.md": consecutive_headings(
            (repo / url).read_text(encoding="utf-8")
        )
        for url, docname in local_sources(repo).items()
    }
    sync_folder(docs_dir / SOURCES_DIR, notes, pattern="*.md")


def doc_link(docname, content, refdoc):
    """Return a link to the page ``docname`` (from the root) around ``content``."""
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget=f"/{docname}",
        refdoc=refdoc,
        refexplicit=True,
    )
    ref += content
    return ref


def counts(layer_id):
    """Return (features in the shipped file, features with a geometry)."""
    import dsrgeo

    frame = dsrgeo.load(layer_id)
    drawable = int((frame.geometry.notna() & ~frame.geometry.is_empty).sum())
    return len(frame), drawable


def _years(info):
    if info.years is None:
        return "none: the layer has no time (as_of is refused)"
    first, last = info.years
    return [n.literal(f"as_of={first}"), " to ", n.literal(f"as_of={last}")]


def _values(field):
    """What a column may hold beyond its type: enum values, range, pattern."""
    parts = []
    if "enum" in field:
        parts.append(", ".join(str(value) for value in field["enum"]))
    if "minimum" in field or "maximum" in field:
        parts.append(f"{field.get('minimum', '')} to {field.get('maximum', '')}".strip())
    if "pattern" in field:
        parts.append(f"pattern {field['pattern']}")
    return "; ".join(parts)


class LayerDirective(SphinxDirective):
    """``.. dsrgeo-layer:: ID``: the whole data page of one layer, from the catalog."""

    required_arguments = 1

    def run(self):
        """Return the page's sections."""
        import dsrgeo

        layer_id = self.arguments[0]
        info = dsrgeo.catalog.get(layer_id)
        self.env.note_dependency(str(dsrgeo.catalog.catalog_path()))
        self.env.note_dependency(str(info.file))
        total, drawable = counts(layer_id)
        doc = self.state.document
        features = f"{total:,}"
        if drawable != total:
            features += f" ({drawable:,} with a geometry; the others are counted, not drawn)"
        facts = n.field_list(
            [
                ("Layer id", n.literal(info.id)),
                ("Geometry", info.kind),
                ("Features", features),
                ("Data as of", info.as_of),
                ("Years (as_of)", _years(info)),
                (
                    "Licence",
                    n.link(info.licence, info.licence_url) if info.licence_url else info.licence,
                ),
                ("Attribution", info.attribution),
                (
                    "File",
                    [n.literal(info.file.name), " (layers/ in a checkout, dsrgeo/data/ installed)"],
                ),
            ]
        )
        load = n.code_block(
            f'import dsrgeo\n\nlayer = dsrgeo.load("{info.id}")  # GeoDataFrame, EPSG:4326\n'
            'layer.attrs["citation"]\n'
            f'dsrgeo.Map().add("{info.id}").save("{info.id}.html")'
        )
        notes = local_sources(Path(self.env.srcdir).parent)
        sources = nodes.bullet_list()
        for source in info.sources:
            url = str(source["url"])
            if url in notes:  # a note of the checkout, shown as a page of these docs
                title = [doc_link(notes[url], nodes.Text(source["title"]), self.env.docname)]
                title += [nodes.Text(" ("), n.literal(url), nodes.Text(")")]
            else:
                title = n.link(source["title"], url)
            item = nodes.list_item()
            item += n.paragraph(f"{source['publisher']}: ", title, f", as of {source['as_of']}")
            sources += item
        columns = n.table(
            ["column", "type", "unit", "meaning", "values"],
            [
                [n.literal(f["name"]), f["type"], f.get("unit") or "", f["meaning"], _values(f)]
                for f in info.schema
            ],
            widths=[3, 2, 2, 8, 3],
            classes=["dsrgeo-columns"],
        )
        citation = nodes.literal_block(
            dsrgeo.catalog.citation(layer_id), dsrgeo.catalog.citation(layer_id)
        )
        page = n.section(
            doc,
            info.title,
            n.paragraph(info.description),
            facts,
            n.section(doc, "Load it", load),
            n.section(doc, "Sources", sources),
            n.section(
                doc,
                "Columns",
                n.paragraph(
                    "Every feature also has a stable ",
                    n.literal("id"),
                    " and a geometry (WGS84 lon/lat). A missing value is null in the file "
                    "and NaN or None in the frame.",
                ),
                columns,
            ),
            n.section(
                doc,
                "Cite it",
                n.paragraph(
                    "As ", n.literal(f'dsrgeo.catalog.citation("{info.id}")'), " gives it:"
                ),
                citation,
            ),
        )
        return [page]


def hidden_toctree(parent, docnames):
    """Return a hidden toctree of ``docnames`` in the given order (what ``toctree`` makes)."""
    toctree = addnodes.toctree()
    toctree["parent"] = parent
    toctree["entries"] = [(None, docname) for docname in docnames]
    toctree["includefiles"] = list(docnames)
    toctree["maxdepth"] = -1
    toctree["caption"] = None
    toctree["glob"] = False
    toctree["hidden"] = True
    toctree["includehidden"] = False
    toctree["numbered"] = 0
    toctree["titlesonly"] = False
    wrapper = nodes.compound(classes=["toctree-wrapper"])
    wrapper += toctree
    return wrapper


class LayerTableDirective(SphinxDirective):
    """``.. dsrgeo-layer-table::``: every layer with its kind, count, licence and date.

    It also puts the layer pages into the navigation, in catalog order.
    """

    def run(self):
        """Return the table and the layer pages' (hidden) toctree."""
        import dsrgeo

        self.env.note_dependency(str(dsrgeo.catalog.catalog_path()))
        rows = []
        for layer_id in layer_ids():
            info = dsrgeo.catalog.get(layer_id)
            total, _ = counts(layer_id)
            ref = doc_link(f"{LAYERS_DIR}/{layer_id}", n.literal(layer_id), self.env.docname)
            rows.append([ref, info.title, info.kind, f"{total:,}", info.licence, info.as_of])
        table = n.table(
            ["id", "title", "kind", "features", "licence", "as of"],
            rows,
            widths=[3, 6, 2, 2, 4, 2],
        )
        pages = [f"{LAYERS_DIR}/{layer_id}" for layer_id in layer_ids()]
        pages += sorted(set(local_sources(Path(self.env.srcdir).parent).values()))
        return [table, hidden_toctree(self.env.docname, pages)]


class CitationsDirective(SphinxDirective):
    """``.. dsrgeo-citations::``: each layer's citation line, as the catalog gives it."""

    def run(self):
        """Return one titled citation per layer."""
        import dsrgeo

        self.env.note_dependency(str(dsrgeo.catalog.catalog_path()))
        items = nodes.definition_list()
        for layer_id in layer_ids():
            text = dsrgeo.catalog.citation(layer_id)
            item = nodes.definition_list_item()
            item += nodes.term("", "", n.literal(layer_id))
            definition = nodes.definition()
            definition += n.paragraph(text)
            item += definition
            items += item
        return [items]


def setup(app):
    """Register ``dsrgeo-layer``, ``dsrgeo-layer-table`` and ``dsrgeo-citations``."""
    app.add_directive("dsrgeo-layer", LayerDirective)
    app.add_directive("dsrgeo-layer-table", LayerTableDirective)
    app.add_directive("dsrgeo-citations", CitationsDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
