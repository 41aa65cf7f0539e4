"""Bodies and answers of /api/labelarr (CHUB's Labelarr section)."""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from curatarr.api.schemas.common import ChubEnvelope

MediaId = int | str


class TagActionsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    add: list[str] = Field(default_factory=list, max_length=100, description="*arr tags to add (created if missing)")
    remove: list[str] = Field(default_factory=list, max_length=100, description="*arr tags to remove")


class _SyncBase(BaseModel):
    source_instance: str = Field(..., min_length=1, max_length=150, description="Radarr or Sonarr instance")
    tag_actions: TagActionsBody = Field(default_factory=TagActionsBody)
    plex_instance: str | None = Field(None, max_length=150, validation_alias=AliasChoices("plex_instance", "media_server"),
                                      description="Media server (Plex, Jellyfin or Emby) to label; default: the "
                                                  "first configured one")
    dry_run: bool = False


class SyncBody(_SyncBase):
    media_cache_id: MediaId = Field(..., description="``instance:id`` as the media library names it, or the *arr id")
    plex_mapping_id: MediaId | None = Field(None, description="Accepted for CHUB compatibility; items are matched "
                                                              "by provider ids")

    @field_validator("media_cache_id")
    @classmethod
    def _text(cls, value):
        return str(value)


class BulkSyncBody(_SyncBase):
    media_cache_ids: list[MediaId] = Field(..., validation_alias=AliasChoices("media_cache_ids", "media_ids"),
                                           description="At most 1000 ids (``instance:id`` or *arr ids)")

    @field_validator("media_cache_ids")
    @classmethod
    def _texts(cls, value):
        return [str(v) for v in value]


class SyncQueued(ChubEnvelope):
    job_id: int
    status: str = Field(description="queued")
    media_cache_id: str
    source_instance: str
    plex_instance: str
    dry_run: bool


class BulkFailure(BaseModel):
    media_cache_id: str
    error: str


class BulkQueued(ChubEnvelope):
    job_ids: list[int] = Field(description="The one job that syncs every valid id (empty when none is valid)")
    failures: list[BulkFailure] = Field(description="Ids refused before queueing, with the reason")
    plex_instance: str
    source_instance: str
    dry_run: bool
    queued: int = Field(description="How many ids the job syncs")
