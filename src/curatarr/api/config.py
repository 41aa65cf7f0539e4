"""/api/config: the whole config with secrets masked (CHUB + Posterizarr superset), and writes."""

from __future__ import annotations

from fastapi import APIRouter, Query

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.config import ConfigAnswer, ConfigWriteBody
from curatarr.config import mask_secrets
from curatarr.config.models import DISPLAY_NAMES, UI_GROUPS, tooltips
from curatarr.errors import NotFound
from curatarr.runtime import Runtime

router = APIRouter(tags=["Config"])


def config_answer(rt: Runtime, section: str | None = None) -> dict:
    data = mask_secrets(rt.config.as_dict())
    if section is not None:
        if section not in data:
            raise NotFound(f"config section {section!r} not found", code="SECTION_NOT_FOUND")
        data = {section: data[section]}
    return {"success": True, "config": data, "ui_groups": UI_GROUPS, "display_names": DISPLAY_NAMES,
            "tooltips": tooltips(), "using_flat_structure": False}


@router.get("/api/config", response_model=ConfigAnswer, response_model_exclude_unset=True,
            summary="The whole config, secrets masked")
def get_config(rt: RuntimeDep, section: str | None = Query(None, max_length=100)):
    return config_answer(rt, section)


@router.post("/api/config", response_model=ConfigAnswer, response_model_exclude_unset=True,
             summary="Merge and save config sections")
def post_config(rt: RuntimeDep, body: ConfigWriteBody):
    patch = body["config"] if set(body) == {"config"} and isinstance(body.get("config"), dict) else body
    rt.config.update(patch)
    answer = config_answer(rt)
    answer["message"] = "Configuration saved"
    return answer
