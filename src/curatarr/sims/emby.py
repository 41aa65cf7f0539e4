"""Emby simulator (reference/contracts.md §7). Shares everything with the Jellyfin simulator
(:mod:`curatarr.sims.mediabrowser_common`) except the flavour: every route lives under ``/emby``
(as Emby serves it; clients configure ``http://host:8096/emby``), item ids are integers as
strings, and credentials come as ``X-Emby-Token``, ``X-Emby-Authorization``/``Authorization``
with ``Token="…"``, or ``?api_key=``.
"""

from __future__ import annotations

from starlette.applications import Starlette

from curatarr.sims.library import SampleLibrary
from curatarr.sims.mediabrowser_common import Flavor, build_app

EMBY = Flavor(name="emby", prefix="/emby", product="Emby Server", version="4.8.10.0",
              numeric_ids=True, legacy_auth=True)


def create_app(library: SampleLibrary, *, api_key: str = "emby-key", instance: str = "emby",
               small_images: bool = False) -> Starlette:
    """An Emby server simulator for ``library``; ``small_images`` renders artwork at 1/10 size."""
    return build_app(library, EMBY, api_key=api_key, instance=instance, small_images=small_images)
