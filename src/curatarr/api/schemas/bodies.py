"""Request bodies the handlers check themselves: documented by a model, parsed as they always were.

Several routes take CHUB's free-form bodies (``{"config": {…}}`` or the bare document, ``service`` or
``type``, a one-rule or a whole-schedule map) and answer their own ``400`` for wrong shapes. Typing
their parameter as the model would move those answers to pydantic's ``422`` and re-order the saved
keys, so the parameter stays a plain JSON value (``Annotated[dict[str, Any], Body(),
documented_body(Model)]``) and :func:`documented_body` puts the model's schema into
``/openapi.json``. Keep these models flat (no nested models): their schema is inlined.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, WithJsonSchema


class RequestModel(BaseModel):
    """Base of the documented bodies: the known fields declared, anything else allowed."""

    model_config = ConfigDict(extra="allow")


def documented_body(model: type[BaseModel]) -> WithJsonSchema:
    """``/openapi.json`` shows ``model`` as the request body; validation stays the handler's."""
    return WithJsonSchema(model.model_json_schema())

