"""poster_renamerr's configuration: CHUB's keys (§2.1), each one doing what it says, plus the
scoping overrides the API and webhooks use to run it for one poster or one media item."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


ActionType = Literal["copy", "move", "hardlink", "symlink"]


class InstanceEntry(BaseModel):
    """One entry of ``instances``: an *arr (its items get posters) or a media server (its collections
    get posters; with ``add_posters`` the written posters are uploaded to it)."""

    model_config = ConfigDict(frozen=True)

    name: str
    library_names: list[str] = Field(default_factory=list, description="Libraries whose collections are matched (empty = all)")
    add_posters: bool = Field(False, description="Upload written posters to this media server")


class PosterRenamerrConfig(BaseModel):
    # Like modules.base.ModuleConfig (poster_library never imports modules): unknown keys kept, frozen.
    model_config = ConfigDict(extra="allow", frozen=True)

    dry_run: bool = Field(False, description="Report what would be written; write, move, link and upload nothing")
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="Level of this module's job log")
    sync_posters: bool = Field(False, description="Run sync_gdrive first (Google Drive mirrors up to date)")
    action_type: ActionType = Field("copy", description="How a poster gets into the asset folder: copy, move, hardlink or symlink")
    asset_folders: bool = Field(False, description="Kometa folder layout (<item>/poster.jpg) instead of flat (<item>.jpg)")
    print_only_renames: bool = Field(False, description="Log only the files written, not the ones already up to date")
    run_border_replacerr: bool = Field(False, description="Hand the written files to border_replacerr afterwards")
    incremental_border_replacerr: bool = Field(
        True, description="Hand only the files written by this run to border_replacerr (off: every matched target)")
    run_cleanarr: bool = Field(False, description="After renaming, delete asset files we wrote whose item no longer has a poster")
    report_unmatched_assets: bool = Field(False, description="List every unmatched poster file in the result")
    source_dirs: list[str] = Field(default_factory=list, description="Poster set folders, in order; a later folder wins for the same item")
    upload_dir: str = Field("", description="Where POST /api/posters/upload saves files; read as the last (winning) source")
    destination_dir: str = Field("", description="The Kometa asset folder")
    instances: list[InstanceEntry] = Field(
        default_factory=list, description="*arr instances (strings) and media servers ({name: {library_names, add_posters}}); empty = every *arr")
    refresh_library: bool = Field(True, description="Re-read the *arr instances into the media cache before matching")
    mode: Literal["rename", "cleanup_orphans"] = Field(
        "rename", description="rename (normal run) or cleanup_orphans (only delete orphaned files we wrote)")
    poster_ids: list[int] = Field(default_factory=list, description="Only these posters (one-poster runs from the API)")
    media_ids: list[str] = Field(default_factory=list, description="Only these media items (one-item runs from webhooks)")

    @field_validator("instances", mode="before")
    @classmethod
    def _entries(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        out: list[Any] = []
        for entry in value:
            if isinstance(entry, str):
                out.append({"name": entry})
            elif isinstance(entry, dict) and ("name" in entry or "instance" in entry):
                out.append({"name": entry.get("name") or entry.get("instance"),
                            **{k: v for k, v in entry.items() if k in ("library_names", "add_posters")}})
            elif isinstance(entry, dict) and len(entry) == 1:  # CHUB: {plex_name: {library_names, add_posters}}
                (name, opts), = entry.items()
                out.append({"name": name, **(opts if isinstance(opts, dict) else {})})
            else:
                out.append(entry)
        return out

    @field_validator("source_dirs", mode="before")
    @classmethod
    def _one_dir(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) and value else value
