"""``import dsrgeo`` stays light: heavy dependencies load only where they are used."""

import subprocess
import sys

HEAVY = ("folium", "branca", "sgp4", "dask", "distributed", "matplotlib", "networkx",
         "skyfield", "requests", "geopandas")


def test_import_does_not_load_heavy_dependencies():
    code = ("import sys, dsrgeo; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""


def test_lazy_names_resolve():
    import dsrgeo

    assert callable(dsrgeo.load) and callable(dsrgeo.layers)
    assert "Map" in dir(dsrgeo)


def test_cli_help_does_not_load_heavy_dependencies():
    """`dsrgeo --version` and `--help` answer at once: parsers import nothing heavy."""
    code = ("import sys, dsrgeo.cli; dsrgeo.cli._parser(); "
            f"print(','.join(m for m in {HEAVY + ('pandas', 'numpy')!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
