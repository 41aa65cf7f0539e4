"""upgradinatorr's per-instance settings (CHUB's ``instances_list`` entries). The module's own
Config (``modules/upgradinatorr.py``) holds a list of these plus the settings shared by all."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SearchMode = Literal["upgrade", "missing", "cutoff"]


class UpgradeInstance(BaseModel):
    """How one Radarr/Sonarr/Lidarr instance is searched."""

    model_config = ConfigDict(frozen=True)

    instance: str = Field(..., min_length=1, description="Radarr, Sonarr or Lidarr instance name")
    count: int = Field(10, ge=1, le=10_000, description="Items searched per run on this instance")
    search_mode: SearchMode = Field("upgrade", description="upgrade: the whole library; missing: wanted/missing; "
                                                           "cutoff: wanted/cutoff (cutoff not met)")
    tag_name: str = Field("checked", description="Tag given to searched items; tagged items are skipped next time")
    ignore_tag: str = Field("ignore", description="Items carrying this tag are never searched")
    unattended: bool = Field(False, description="When every eligible item carries the checked tag, remove it from "
                                                "all of them and start over")
    season_monitored_threshold: float = Field(
        0.0, ge=0, le=100,
        description="Sonarr: search a season only when at least this percentage of its episodes is monitored")

    @field_validator("tag_name", "ignore_tag", mode="before")
    @classmethod
    def _blank(cls, value, info):
        # CHUB wrote "" for "use the default name".
        if value is None or (isinstance(value, str) and not value.strip()):
            return {"tag_name": "checked", "ignore_tag": "ignore"}[info.field_name]
        return value

    @field_validator("season_monitored_threshold", mode="before")
    @classmethod
    def _null_threshold(cls, value):
        return 0.0 if value is None else value
