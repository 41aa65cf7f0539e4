"""Settings (pydantic) <-> config.yml: defaults, validation, secret masking, atomic save."""

from curatarr.config.models import Settings
from curatarr.config.secrets import MASK, is_secret_key, mask_secrets, unmask_secrets
from curatarr.config.store import ConfigError, ConfigStore

__all__ = ["MASK", "ConfigError", "ConfigStore", "Settings", "is_secret_key", "mask_secrets", "unmask_secrets"]
