"""``import dsrgeo`` stays light: heavy dependencies load only where they are used."""

import subprocess
import sys

HEAVY = (
    "folium",
    "branca",
    "sgp4",
    "dask",
    "distributed",
    "matplotlib",
    "networkx",
    "skyfield",
    "requests",
    "geopandas",
)


def _loaded_after(code, modules):
    """Run ``code`` in a fresh interpreter; return which of ``modules`` it imported."""
    probe = f"import sys; {code}; print(','.join(m for m in {modules!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_import_does_not_load_heavy_dependencies():
    assert _loaded_after("import dsrgeo", HEAVY) == ""


def test_cli_help_does_not_load_heavy_dependencies():
    """`dsrgeo --version` and `--help` answer at once: parsers import nothing heavy."""
    code = "import dsrgeo.cli; dsrgeo.cli._parser()"
    assert _loaded_after(code, HEAVY + ("pandas", "numpy")) == ""


def test_lazy_names_resolve():
    import dsrgeo

    assert callable(dsrgeo.load) and callable(dsrgeo.layers)
    assert "Map" in dir(dsrgeo)
    assert dsrgeo.Map is dsrgeo.maps.Map


def test_tables_is_reachable_like_the_other_modules(tmp_path):
    """tables.py is for notebooks too: ``dsrgeo.tables`` works without importing it first."""
    code = (
        "import dsrgeo, pandas as pd; "
        f"dsrgeo.tables.write_table(pd.DataFrame({{'a': [1]}}), {str(tmp_path / 'a.csv')!r})"
    )
    assert _loaded_after(code, ("dsrgeo.tables",)) == "dsrgeo.tables"
    import dsrgeo

    assert "tables" in dir(dsrgeo)
