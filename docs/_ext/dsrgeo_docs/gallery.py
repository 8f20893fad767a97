"""The gallery: every image in ``docs/gallery/``, found by glob at build time.

The folder is filled by its own scripts, ``make_gallery.py`` and ``make_gnss_map.py``
(screenshots and static exports of the maps dsrgeo draws); the page shows whatever images it
holds, in file-name order, with a caption made from the file name, and still builds when the
folder holds none.
"""

from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from dsrgeo_docs import nodes as n

#: Image files the gallery shows.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg", ".webp", ".gif")
GALLERY_DIR = "gallery"


def gallery_images(docs_dir):
    """Return the gallery's image files, sorted by name."""
    folder = Path(docs_dir) / GALLERY_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def caption(path):
    """Return a caption from a file name: ``default-map_phone.png`` -> ``Default map phone``."""
    words = path.stem.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]


class GalleryDirective(SphinxDirective):
    """``.. dsrgeo-gallery::``: a figure per image of ``docs/gallery/``."""

    def run(self):
        """Return the figures, or a paragraph saying the folder holds none."""
        docs_dir = Path(self.env.srcdir)
        images = gallery_images(docs_dir)
        self.env.note_dependency(str(docs_dir / GALLERY_DIR))
        if not images:
            return [n.paragraph("No screenshots yet: the gallery folder holds no images.")]
        figures = []
        for path in images:
            figure = nodes.figure(classes=["dsrgeo-gallery-figure"])
            text = caption(path)
            figure += nodes.image(uri=f"/{GALLERY_DIR}/{path.name}", alt=text)
            figure += nodes.caption(text=text)
            figures.append(figure)
        container = nodes.container(classes=["dsrgeo-gallery"])
        container.extend(figures)
        return [container]


def setup(app):
    """Register ``dsrgeo-gallery`` (usable on its own, without the generated pages)."""
    app.add_directive("dsrgeo-gallery", GalleryDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
