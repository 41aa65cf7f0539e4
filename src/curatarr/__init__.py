"""Curatarr: artwork and library upkeep for a home media stack."""

__version__ = "0.1.0"
