"""The poster maker's settings (``poster_maker`` section of config.yml, plus a job's one-shot
overrides) and the folders they name. Here, not in ``curatarr.modules``, because the posters
services (folders, galleries, modes) read them too and ``posters`` never imports ``modules``.

``mode`` is a typed setting like any other: a job names it as an override
(``{"mode": "single", "item": {...}}``), which the run contract merges into this config before it is
validated, so ``GET /api/modules/poster_maker/schema`` lists the modes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from curatarr.posters.libraries import SKIP_LABEL

Mode = Literal["normal", "single", "cleanup", "testing", "manual", "backup", "sync", "reset"]
MODES: tuple[str, ...] = get_args(Mode)


class LanguageOverride(BaseModel):
    """Per-library language orders (Posterizarr v3 ``LibraryLanguageOverrides``); empty = global."""

    model_config = ConfigDict(extra="forbid")

    language_order: list[str] = Field(default_factory=list)
    season_language_order: list[str] = Field(default_factory=list)
    background_language_order: list[str] = Field(default_factory=list)
    titlecard_language_order: list[str] = Field(default_factory=list)


class PosterMakerConfig(BaseModel):
    """Unknown keys are kept (like every module config); a validated config is frozen."""

    model_config = ConfigDict(extra="allow", frozen=True)

    mode: Mode = Field("normal", description="normal: every library; single: one item (webhooks, job override "
                                             "\"item\"); cleanup; testing; manual (job override \"manual\"); "
                                             "backup; sync (Plex art to Jellyfin/Emby); reset (job override "
                                             "\"library\")")
    media_servers: list[str] = Field(default_factory=list, description="Plex/Jellyfin/Emby instances; empty = all enabled")
    providers: dict[str, str] = Field(default_factory=dict, description="provider → instance name (default: first of each type)")
    asset_path: str = Field("", description="asset folder (default <data>/posters/assets)")
    manual_asset_path: str = Field("", description="manual assets, same layout; used before any provider")
    backup_path: str = Field("", description="backup mode target (default <data>/posters/backup)")
    layout: Literal["folders", "flat"] = "folders"
    library_folders: bool = True
    exclude_libraries: list[str] = Field(default_factory=list)
    skip_label: str = SKIP_LABEL
    posters: bool = True
    backgrounds: bool = True
    seasons: bool = True
    titlecards: bool = True
    collections: bool = Field(True, description="a poster per Plex collection / Jellyfin-Emby BoxSet")
    favourite_provider: Literal["tmdb", "fanart", "tvdb"] = "tmdb"
    provider_order: list[str] = Field(default_factory=lambda: ["tmdb", "fanart", "tvdb"])
    language_order: list[str] = Field(default_factory=lambda: ["xx", "en", "de"])
    season_language_order: list[str] = Field(default_factory=list)
    background_language_order: list[str] = Field(default_factory=list)
    titlecard_language_order: list[str] = Field(default_factory=list)
    library_language_overrides: dict[str, LanguageOverride] = Field(
        default_factory=dict, description="library name → its own language orders")
    use_original_title: bool = Field(False, description="always draw the original title when there is one")
    server_art_fallback: bool = Field(True, description="use the server's current image when no provider has one")
    disable_hash_validation: bool = Field(False, description="use/overwrite server images even with a tool marker")
    poster_min_width: int = Field(0, ge=0)
    poster_min_height: int = Field(0, ge=0)
    background_min_width: int = Field(0, ge=0)
    background_min_height: int = Field(0, ge=0)
    show_fallback: bool = True
    background_fallback: bool = True
    template: str = Field("classic", description="template family or id used for every kind")
    templates: dict[str, str] = Field(default_factory=dict, description="per-kind template overrides")
    skip_truncated: bool = True
    upload: bool = False
    upload_existing_assets: bool = Field(False, description="also upload assets not rendered this run "
                                                            "when the server's image has no tool marker")
    replace_thumb_with_backdrop: bool = Field(False, description="Jellyfin/Emby: a Backdrop upload also sets Thumb")
    workers: int | None = Field(None, ge=1, le=64)
    download_workers: int = Field(8, ge=1, le=64)
    provider_cache_hours: float = Field(24.0, ge=0)
    asset_cleanup: bool = False
    webhook_retries: int = Field(3, ge=0, le=50)
    webhook_retry_delay: float = Field(60.0, ge=0)

    @field_validator("mode", mode="before")
    @classmethod
    def _empty_mode_is_normal(cls, value: Any) -> Any:
        return value or "normal"  # a job that sends "mode": null or "" has always meant a normal run


def configured_asset_root(rt: Any, cfg: PosterMakerConfig) -> Path:
    """The asset folder the config names (not created; readers that must not write use this)."""
    from curatarr.security.paths import safe_path

    if not cfg.asset_path:
        return rt.data_dir / "posters" / "assets"
    return safe_path(cfg.asset_path, rt.roots())


def asset_root(rt: Any, cfg: PosterMakerConfig) -> Path:
    root = configured_asset_root(rt, cfg)
    root.mkdir(parents=True, exist_ok=True)
    return root


def backup_root(rt: Any, cfg: PosterMakerConfig) -> Path:
    from curatarr.security.paths import safe_path

    root = safe_path(cfg.backup_path, rt.roots()) if cfg.backup_path else rt.data_dir / "posters" / "backup"
    root.mkdir(parents=True, exist_ok=True)
    return root
