"""overlap: find duplicated efforts and overlapping activities across actors' project exports."""

__version__ = "0.1.0"
