"""Clients for every external system. Each raises only the errors in :mod:`.errors`."""

from curatarr.connectors.errors import (
    AuthFailed,
    BadResponse,
    ConnectorError,
    NotFound,
    RateLimited,
    Unreachable,
)

__all__ = ["AuthFailed", "BadResponse", "ConnectorError", "NotFound", "RateLimited", "Unreachable"]
