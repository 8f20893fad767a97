"""The documentation site: built offline with warnings as errors, complete, readable offline.

The site is built once per session with the README's command, ``python -m sphinx -W -b html
docs DIR``, into a temporary folder. Like any build, it writes the pages it generates into the
checkout's git-ignored ``docs/api``, ``docs/data/layers`` and ``docs/notebooks``, and runs the
notebooks unless ``docs/_build/.notebook-cache`` holds an execution made with the same
notebook, package, layers and installed packages (``docs/_ext/dsrgeo_docs/notebooks.py``).

What is checked comes from the package, not from the docs' own generator: every name in the
``__all__`` of the public modules has an entry listing each of its parameters, every catalog
layer a page with its columns and its feature count from the shipped file, every notebook a
page with its maps, every command of the argparse parser a section. The examples of the user
guide run here as doctests. A browser opens three pages with every network request refused.
"""

import doctest
import html
import importlib
import inspect
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ALL_DRAWN

import dsrgeo

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
#: Public modules besides those ``dsrgeo.__all__`` names
PUBLIC_MODULES = (
    "dsrgeo",
    "dsrgeo.maps",
    "dsrgeo.analysis",
    "dsrgeo.sides",
    "dsrgeo.export",
    "dsrgeo.report",
    "dsrgeo.catalog",
    "dsrgeo.refresh",
    "dsrgeo.errors",
)
ENTRY = re.compile(r'<dt class="sig sig-object py" id="([^"]+)"')
ANY_ID = re.compile(r'\sid="([^"]+)"')
TIMEOUT_MS = 30_000


def _sphinx(source, out, *extra):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q", *extra]
    return subprocess.run(
        [*command, str(source), str(out)], cwd=REPO, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The built site's folder (built once per session, warnings as errors)."""
    out = tmp_path_factory.mktemp("docs") / "html"
    start = time.perf_counter()
    done = _sphinx(DOCS, out)
    print(f"docs build: {time.perf_counter() - start:.1f} s")
    assert done.returncode == 0, f"sphinx failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    return out


def _page(site, name):
    path = site / name
    assert path.is_file(), f"no page {name}"
    return path.read_text(encoding="utf-8")


def _text(fragment):
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# -- the site as a whole ----------------------------------------------------------------


@pytest.mark.slow
def test_no_page_loads_anything_from_the_web(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    loads = re.compile(
        r'<(?:script|img|iframe|source|embed)\b[^>]*\ssrc="((?:https?:)?//[^"]*)"'
        r'|<link\b[^>]*\shref="((?:https?:)?//[^"]*)"'
    )
    srcdoc = re.compile(r'\ssrcdoc="([^"]*)"')

    def documents(page):
        """The page's HTML and that of every frame in it (notebook maps are srcdoc frames)."""
        text = page.read_text(encoding="utf-8")
        return [text, *(html.unescape(inner) for inner in srcdoc.findall(text))]

    offending = {
        str(page.relative_to(site)): hit
        for page in pages
        for document in documents(page)
        for hit in loads.findall(document)
    }
    assert offending == {}
    assert any(len(documents(page)) > 1 for page in pages)  # the frames were looked into
    styles = [
        p for p in site.rglob("*.css") if re.search(r"url\(\s*['\"]?(https?:)?//", p.read_text())
    ]
    assert styles == []


# -- the API reference -------------------------------------------------------------------


def _public_modules():
    names = list(PUBLIC_MODULES)
    names += [f"dsrgeo.{n}" for n in dsrgeo.__all__ if inspect.ismodule(getattr(dsrgeo, n))]
    return list(dict.fromkeys(names))


def _public_names():
    """[(qualified name, object, kind)] for every name in the public modules' ``__all__``."""
    rows = []
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if name == "__version__":
                continue
            value = getattr(module, name)
            if inspect.ismodule(value):
                kind = "module"
            elif inspect.isclass(value):
                kind = "class"
            elif callable(value):
                kind = "function"
            else:
                kind = "data"
            rows.append((f"{module_name}.{name}", value, kind))
    return rows


def _api_entries(site):
    """{id of an object entry: the HTML of its entry up to the next entry}."""
    entries = {}
    for page in (site / "api").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        hits = list(ENTRY.finditer(text))
        for hit, after in zip(hits, [*hits[1:], None]):
            entries[hit.group(1)] = text[hit.start() : after.start() if after else len(text)]
    return entries


def _documented_parameters(entry_html):
    """Names in the bold terms of the entry's field lists (Parameters, Attributes)."""
    names = set()
    for term in re.findall(r"<dt><strong>(.*?)</strong>", entry_html):
        names |= {part.strip().lstrip("*") for part in _text(term).split(",")}
    return names


def _parameters(obj, *, method=False):
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):  # a builtin's __init__ (exceptions without their own)
        return []
    params = list(signature.parameters.values())
    if method and params and params[0].name in ("self", "cls"):
        params = params[1:]
    if (
        inspect.isclass(obj)
        and "__init__" not in vars(obj)
        and not hasattr(obj, "__dataclass_fields__")
    ):
        return []
    return [p.name for p in params]


@pytest.mark.slow
def test_every_public_name_has_an_entry_with_its_parameters(site):
    entries = _api_entries(site)
    names = _public_names()
    by_object = {}
    for qualname, value, kind in names:
        if kind in ("function", "class"):
            by_object.setdefault(id(value), []).append(qualname)
    assert len(names) > 60
    missing, undocumented = [], {}
    for qualname, value, kind in names:
        if kind == "module":
            if not (site / "api" / f"{value.__name__}.html").is_file():
                missing.append(qualname)
            continue
        if kind == "data":
            if qualname not in entries:
                missing.append(qualname)
            continue
        found = [name for name in by_object[id(value)] if name in entries]
        if not found:
            missing.append(qualname)
            continue
        entry = entries[found[0]]
        lacking = set(_parameters(value)) - _documented_parameters(entry)
        if lacking:
            undocumented[found[0]] = sorted(lacking)
        if kind == "class":
            for member, attr in vars(value).items():
                if member.startswith("_") or not (
                    inspect.isfunction(attr)
                    or isinstance(attr, classmethod | staticmethod | property)
                ):
                    continue
                member_id = f"{found[0]}.{member}"
                if member_id not in entries:
                    missing.append(member_id)
                elif not isinstance(attr, property):
                    function = (
                        attr.__func__ if isinstance(attr, classmethod | staticmethod) else attr
                    )
                    lacking = set(_parameters(function, method=True)) - _documented_parameters(
                        entries[member_id]
                    )
                    if lacking:
                        undocumented[member_id] = sorted(lacking)
    assert missing == []
    assert undocumented == {}


@pytest.mark.slow
def test_map_add_entry_has_parameters_errors_and_examples(site):
    entry = _api_entries(site)["dsrgeo.Map.add"]
    text = _text(entry)
    for section in ("Parameters", "Returns", "Raises", "Examples"):
        assert section in text
    assert "highlight" in _documented_parameters(entry)
    assert "LayerNotFoundError" in text and "PEACE Cable" in text


# -- the data pages ------------------------------------------------------------------------


@pytest.mark.slow
def test_every_layer_has_a_page_from_the_catalog(site):
    index = _page(site, "data/index.html")
    for layer_id in dsrgeo.catalog.layer_ids():
        info = dsrgeo.catalog.get(layer_id)
        assert f'href="layers/{layer_id}.html"' in index, layer_id
        page = _page(site, f"data/layers/{layer_id}.html")
        text = _text(page)
        assert info.title in text
        assert f"Features:\n{len(dsrgeo.load(layer_id)):,}" in text  # counted from the file
        assert info.licence in text and info.as_of in text
        for field in info.schema:
            assert (
                f'<code class="docutils literal notranslate"><span class="pre">{field["name"]}</span></code>'
                in page
            )
            assert field["meaning"] in text, (layer_id, field["name"])
            for value in field.get("enum", ()):
                assert str(value) in text
        for source in info.sources:
            assert source["publisher"] in text
            if source["url"].startswith("http"):
                assert f'href="{html.escape(source["url"])}"' in page


@pytest.mark.slow
def test_changes_and_architecture_are_pages(site):
    changes = (REPO / "layers" / "CHANGES.md").read_text(encoding="utf-8")
    first_heading = changes.splitlines()[0].lstrip("# ")
    assert first_heading in _text(_page(site, "data/changes.html"))
    architecture = (DOCS / "architecture.md").read_text(encoding="utf-8")
    assert architecture.splitlines()[0].lstrip("# ") in _text(_page(site, "architecture.html"))


# -- notebooks, command line, gallery ------------------------------------------------------


@pytest.mark.slow
def test_every_notebook_is_a_page_with_its_outputs_and_maps(site):
    import nbformat

    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert notebooks
    shown = {}
    for path in notebooks:
        page = _page(site, f"notebooks/{path.stem}.html")
        executed = nbformat.read(DOCS / "notebooks" / path.name, as_version=4)
        code = [cell for cell in executed.cells if cell.cell_type == "code"]
        assert all(cell.execution_count for cell in code), path.name  # every cell ran
        maps = sum(
            'title="dsrgeo map"' in output.get("data", {}).get("text/html", "")
            for cell in code
            for output in cell.outputs
        )
        assert page.count("<iframe srcdoc=") == maps, path.name
        assert page.count('class="cell_output') >= sum(1 for cell in code if cell.outputs)
        shown[path.stem] = maps
    assert shown["01-quickstart"] >= 1  # the quickstart's map, at least, is on its page


def _commands(parser):
    import argparse

    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _commands(sub)


@pytest.mark.slow
def test_every_command_and_option_is_in_the_cli_page(site):
    from dsrgeo.cli import _parser

    page = _page(site, "cli.html")
    text = _text(page)
    commands = list(_commands(_parser()))
    assert len(commands) > 8
    for parser in commands[1:]:
        assert f'id="{parser.prog.replace(" ", "-")}"' in page, parser.prog
        for action in parser._actions:
            for option in action.option_strings:
                assert option in text, (parser.prog, option)


@pytest.mark.slow
def test_gallery_page_shows_the_gallery_folder(site, monkeypatch):
    monkeypatch.syspath_prepend(str(DOCS / "_ext"))  # as conf.py does
    from dsrgeo_docs.gallery import gallery_images

    images = [p.name for p in gallery_images(DOCS)]
    page = _page(site, "gallery.html")
    shown = re.findall(r'<img [^>]*src="_images/([^"]+)"', page)
    assert sorted(shown) == images
    if not images:
        assert "No screenshots yet" in page


def _png(path, rgb):
    """A 2x2 PNG of one colour."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\0" + bytes(rgb) * 2 for _ in range(2))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_gallery_directive_shows_every_image_and_builds_without_any(tmp_path):
    source = tmp_path / "src"
    (source / "gallery").mkdir(parents=True)
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(DOCS / '_ext')!r})\n"
        "extensions = ['dsrgeo_docs.gallery']\nexclude_patterns = ['gallery/**']\n"
    )
    (source / "index.rst").write_text("Gallery\n=======\n\n.. dsrgeo-gallery::\n")
    (source / "gallery" / "README.md").write_text("# How the screenshots are made\n")
    empty = _sphinx(source, tmp_path / "empty")
    assert empty.returncode == 0, empty.stderr
    assert "No screenshots yet" in (tmp_path / "empty" / "index.html").read_text()
    _png(source / "gallery" / "default-map_desktop.png", (200, 30, 30))
    _png(source / "gallery" / "bri-slider.png", (30, 30, 200))
    built = _sphinx(source, tmp_path / "full")
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "full" / "index.html").read_text()
    assert re.findall(r'<img [^>]*src="_images/([^"]+)"', page) == [
        "bri-slider.png",
        "default-map_desktop.png",
    ]
    assert "Default map desktop" in page and "Bri slider" in page
    assert (tmp_path / "full" / "_images" / "bri-slider.png").is_file()


# -- README and the user guide ---------------------------------------------------------------


def test_readme_links_exist_and_getting_started_includes_its_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    links = [
        target.split("#")[0]
        for target in re.findall(r"\]\(([^)\s]+)\)", readme)
        if not target.startswith(("http://", "https://", "#"))
    ]
    assert links and [link for link in links if not (REPO / link).exists()] == []
    assert "python -m sphinx -W -b html docs docs/_build/html" in readme
    started = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    for marker in re.findall(r':(?:start-after|end-before): "([^"]+)"', started):
        assert readme.count(marker) == 1, marker


GUIDE_PAGES = sorted(
    path
    for path in DOCS.rglob("*.md")
    if "_build" not in path.parts and "```pycon" in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("path", GUIDE_PAGES, ids=[p.stem for p in GUIDE_PAGES])
def test_guide_examples_run(path, tmp_path, monkeypatch):
    blocks = re.findall(r"```pycon\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)  # the examples save files
    test = doctest.DocTestParser().get_doctest(
        "\n".join(blocks), {}, str(path.relative_to(REPO)), str(path), 0
    )
    # verbose=False: doctest reads "-v" from sys.argv, and its report of each example, written
    # while it captures the example's output, became that output (every example failed)
    runner = doctest.DocTestRunner(
        verbose=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    report = []
    runner.run(test, out=report.append)
    assert runner.failures == 0 and runner.tries > 0, "".join(report)


# -- in a browser, offline -------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_home_reference_and_notebook_pages_render_offline(offline_page, site):
    page = offline_page
    page.goto((site / "index.html").as_uri())
    assert page.locator("main h1").first.inner_text().strip().startswith("dsrgeo")
    assert page.get_by_role("link", name="API reference").first.is_visible()

    page.goto((site / "api" / "generated" / "dsrgeo.Map.html").as_uri() + "#dsrgeo.Map.add")
    add = page.locator('[id="dsrgeo.Map.add"]')
    assert add.is_visible()
    body = page.locator('[id="dsrgeo.Map.add"] + dd').inner_text()
    assert "Parameters" in body and "highlight" in body and "Examples" in body

    page.goto((site / "notebooks" / "01-quickstart.html").as_uri())
    page.locator("iframe").first.scroll_into_view_if_needed()
    frame = page.locator("iframe").first.element_handle().content_frame()
    frame.wait_for_function(ALL_DRAWN, timeout=TIMEOUT_MS)
    (name,) = frame.evaluate("Object.keys(dsrgeo.maps)")
    drawn = {v["name"]: v for v in frame.evaluate("name => dsrgeo.counts(name)", name).values()}
    for layer_id in ("bri_countries", "hmn_cables"):  # the notebook's map
        frame_ = dsrgeo.load(layer_id)
        with_geometry = int((frame_.geometry.notna() & ~frame_.geometry.is_empty).sum())
        assert drawn[dsrgeo.catalog.get(layer_id).title]["drawn"] == with_geometry > 0
    assert page.errors == [] and page.blocked == []
