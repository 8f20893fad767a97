"""The version of dsrgeo (read by ``setup.cfg`` and shown by ``dsrgeo --version``)."""

__version__ = "0.2.0"
