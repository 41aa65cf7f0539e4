"""Logging: per-module rotating files under data/logs/<module>/, secrets redacted on every record."""

from curatarr.logs.redact import RedactionFilter
from curatarr.logs.setup import LogManager

__all__ = ["LogManager", "RedactionFilter"]
