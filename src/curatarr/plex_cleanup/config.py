"""Settings of ``poster_cleanarr`` and ``plex_maintenance`` (their config.yml sections).

Both name the Plex folder (``plex_path``: the "Plex Media Server" folder that holds ``Metadata/``,
``Cache/`` and ``Plug-in Support/``) and the Plex instance to talk to (``instances``: the first Plex
entry; empty = the first enabled Plex instance). CHUB's key names are accepted as aliases.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

class _Section(BaseModel):
    # As modules.base.ModuleConfig (unknown keys kept, frozen once validated); not imported from
    # there because modules/ imports this package.
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


CleanupMode = Literal["report", "move", "remove", "restore", "clear", "nothing"]


class PosterCleanarrConfig(_Section):
    mode: CleanupMode = Field("report", description=(
        "report: list bloat only; move: move bloat to the restore folder; remove: delete bloat; "
        "restore: move everything in the restore folder back; clear: empty the restore folder; nothing: skip"))
    plex_path: str = Field("", description="The 'Plex Media Server' folder (holds Metadata/, Cache/, Plug-in Support/)")
    instances: list[str] = Field(default_factory=list,
                                 description="Plex instance the library database is downloaded from (first entry; "
                                             "empty = the first enabled Plex instance)")
    local_db: bool = Field(False, description="Copy the database from plex_path instead of downloading it from Plex")
    allow_live_db: bool = Field(False, validation_alias=AliasChoices("allow_live_db", "ignore_running"),
                                description="With local_db: copy the database even while Plex holds it open "
                                            "(a -wal file exists)")
    use_existing_db: bool = Field(False, description="Reuse the last database copy when it is younger than 2 hours")
    restore_dir: str = Field("", description="Where moved files go (default: plex-cleanup-restore in the data folder)")
    # Not named *_paths: folder-named keys are roots (security.roots); these are filters.
    targets: list[str] = Field(default_factory=list, validation_alias=AliasChoices("targets", "target_paths"),
                               description="Only files under these paths (relative to plex_path, or absolute inside "
                                           "its Metadata/); empty = all")
    orphaned_assets: bool = Field(True, description="Also handle our own orphaned poster files in the poster maker's "
                                                    "asset folder (files no asset record names)")
    remove_empty_dirs: bool = Field(True, description="After move/remove, delete folders left empty inside Metadata/")
    timeout: float = Field(600.0, gt=0, le=7200, description="Seconds allowed for the database download")
    max_db_mb: int = Field(8192, ge=1, le=262_144, description="Largest database (or unpacked download) accepted, MiB")
    dry_run: bool = Field(False, description="Report what the mode would do; change nothing")

    @field_validator("instances", "targets", mode="before")
    @classmethod
    def _listify(cls, value):
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value


class PlexMaintenanceConfig(_Section):
    plex_path: str = Field("", description="The 'Plex Media Server' folder (only needed for photo_transcoder)")
    instances: list[str] = Field(default_factory=list,
                                 description="Plex instance to maintain (first entry; empty = the first enabled one)")
    empty_trash: bool = Field(False, description="Empty the trash of every library section")
    clean_bundles: bool = Field(False, description="Have Plex delete bundles no library item uses")
    optimize_db: bool = Field(False, description="Have Plex optimize its database")
    photo_transcoder: bool = Field(False, description="Delete every file in Cache/PhotoTranscoder inside plex_path")
    sleep: float = Field(60.0, ge=0, le=3600, description="Seconds to pause between two tasks")
    dry_run: bool = Field(False, description="Report what would be done; call nothing, delete nothing")
