"""dsrgeo: cited layers, maps and layer math for China's Digital Silk Road."""

__version__ = "0.1.0"
