"""labelarr's settings: mappings from one *arr instance's tags to labels on media servers."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

Direction = Literal["arr_to_server", "server_to_arr", "both"]


class LabelPair(BaseModel):
    """One *arr tag and the media-server label it stands for (the same word by default)."""

    model_config = ConfigDict(frozen=True)

    tag: str = Field(..., min_length=1, max_length=100, description="*arr tag name")
    label: str = Field("", max_length=100, description="Media-server label (empty = the tag name)")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value):
        return {"tag": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _default_label(self):
        if not self.label.strip():
            object.__setattr__(self, "label", self.tag.strip())
        return self


class ServerTarget(BaseModel):
    """A media server and the libraries of it a mapping covers (empty = every library of the right kind)."""

    model_config = ConfigDict(frozen=True)

    instance: str = Field(..., min_length=1)
    library_names: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value):
        return {"instance": value} if isinstance(value, str) else value


class LabelMapping(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    app_instance: str = Field(..., min_length=1, description="Radarr or Sonarr instance whose tags are mapped")
    labels: list[LabelPair] = Field(..., min_length=1, description="Tag ↔ label pairs (a plain name maps a tag "
                                                                   "to the label of the same name)")
    media_servers: list[ServerTarget] = Field(
        ..., min_length=1, validation_alias=AliasChoices("media_servers", "plex_instances"),
        description="Media servers (Plex, Jellyfin, Emby) and their libraries")
    direction: Direction = Field("arr_to_server", description="arr_to_server: labels follow the tags (added and "
                                                              "removed); server_to_arr: tags follow the labels; "
                                                              "both: whatever one side has is added to the other, "
                                                              "nothing is removed")

    @field_validator("labels", mode="before")
    @classmethod
    def _single(cls, value):
        return [value] if isinstance(value, (str, dict)) else value


class TagActions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    add: list[str] = Field(default_factory=list, max_length=100)
    remove: list[str] = Field(default_factory=list, max_length=100)


class ItemSync(BaseModel):
    """The ad-hoc sync of some items (``POST /api/labelarr/sync`` and ``/bulk-sync``): edit their
    *arr tags, then give their media-server twins the same labels."""

    model_config = ConfigDict(frozen=True)

    source_instance: str = Field(..., min_length=1)
    media_ids: list[str] = Field(..., min_length=1, max_length=1000, description="``instance:id`` or *arr ids")
    tag_actions: TagActions = Field(default_factory=TagActions)
    media_servers: list[str] = Field(default_factory=list, description="Media servers to label (empty = all)")

    @field_validator("media_ids", mode="before")
    @classmethod
    def _strings(cls, value):
        return [str(v) for v in value] if isinstance(value, list) else value
