"""The validated shape of config.yml. One model per section; unknown keys are kept (extra="allow").

Module sections (poster_maker, renameinatorr, …) are validated by their module's own ``Config``
model through the module registry; here they pass through untouched.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Section(BaseModel):
    model_config = ConfigDict(extra="allow", validate_assignment=True)


class GeneralSection(Section):
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    timezone: str | None = Field(None, description="IANA time zone for schedules; empty = the system's")
    allowed_roots: list[str] = Field(
        default_factory=list,
        description="Folders the UI may browse and create folders in (besides module folders and the data dir)",
    )
    webhook_secret: str = Field("", description="Shared secret webhooks may send as X-Webhook-Secret or ?secret=")
    update_check: bool = Field(False, description="Look up the newest release (never blocks a request > 2 s)")
    max_logs: int = Field(9, ge=1, le=100, description="Rotated copies kept per log file")
    log_max_bytes: int = Field(10_000_000, ge=10_000, description="Rotate a log file when it grows past this")
    duplicate_exclude_groups: list[Any] = Field(default_factory=list)
    webhook_initial_delay: int = Field(30, ge=0)
    webhook_retry_delay: int = Field(60, ge=0)
    webhook_max_retries: int = Field(3, ge=0)
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Reverse proxies (IPs or CIDRs) whose X-Forwarded-For is believed for the login limit; empty = none",
    )
    max_request_mb: int = Field(16, ge=1, le=1024,
                                description="Largest request body of an ordinary API call; uploads and restore use backup.max_upload_mb")
    min_free_disk_mb: int = Field(200, ge=0, le=1_000_000,
                                  description="/api/health reports the data disk degraded below this much free space")
    max_image_megapixels: int = Field(100, ge=1, le=100,
                                      description="Largest image (width × height, in megapixels) an upload or "
                                                  "replace-from-url may store; the render engine's own cap is 100")

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_proxies(cls, value: list[str]) -> list[str]:
        import ipaddress

        for item in value:
            try:
                ipaddress.ip_network(str(item).strip(), strict=False)
            except ValueError:
                raise ValueError(f"trusted proxy {item!r} is not an IP address or network") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_tz(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class AuthSection(Section):
    token_expiry_hours: int = Field(24, ge=1, le=24 * 365)
    login_rate_per_second: float = Field(0.2, gt=0, description="Login attempts refilled per second per client IP")
    login_burst: int = Field(5, ge=1)
    bcrypt_rounds: int = Field(12, ge=4, le=31, description="bcrypt cost of new password hashes (2^rounds)")


class DatabaseSection(Section):
    url: str | None = Field(None, description="SQLAlchemy URL; empty = SQLite in the data dir")


class BackupSection(Section):
    keep: int = Field(10, ge=1, le=1000, description="Backups kept under data/backups")
    max_upload_mb: int = Field(512, ge=1, description="Largest backup zip accepted by restore")


class UserInterfaceSection(Section):
    theme: Literal["dark", "light", "auto"] = "dark"


class InstanceConfig(Section):
    url: str = ""
    api: str = ""
    enabled: bool = True


class Settings(Section):
    general: GeneralSection = Field(default_factory=GeneralSection)
    auth: AuthSection = Field(default_factory=AuthSection)
    database: DatabaseSection = Field(default_factory=DatabaseSection)
    backup: BackupSection = Field(default_factory=BackupSection)
    user_interface: UserInterfaceSection = Field(default_factory=UserInterfaceSection)
    instances: dict[str, dict[str, InstanceConfig]] = Field(default_factory=dict)
    schedule: dict[str, str | None] = Field(default_factory=dict)
    notifications: dict[str, Any] = Field(default_factory=dict)

    @field_validator("instances", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, dict):
            return {k: (v or {}) for k, v in value.items()}
        return value


# Human labels and help for the UI (Posterizarr's GET /api/config carries these).
DISPLAY_NAMES: dict[str, str] = {
    "general": "General",
    "auth": "Authentication",
    "database": "Database",
    "backup": "Backups",
    "user_interface": "Interface",
    "instances": "Instances",
    "schedule": "Schedule",
    "notifications": "Notifications",
}

UI_GROUPS: dict[str, list[str]] = {
    "System": ["general", "database", "backup"],
    "Security": ["auth"],
    "Interface": ["user_interface"],
    "Connections": ["instances", "notifications"],
    "Automation": ["schedule"],
}


def tooltips() -> dict[str, str]:
    """Field descriptions of every section, as ``section.field`` → text."""
    out: dict[str, str] = {}
    for name, field in Settings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            for sub_name, sub in model.model_fields.items():
                if sub.description:
                    out[f"{name}.{sub_name}"] = sub.description
    return out
