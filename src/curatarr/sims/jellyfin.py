"""Jellyfin simulator (10.11 API; reference/contracts.md §7). All behaviour lives in
:mod:`curatarr.sims.mediabrowser_common`; this module fixes the Jellyfin flavour: no URL prefix,
32-hex item ids, and ``Authorization: MediaBrowser Token="…"`` / ``?ApiKey=`` always accepted,
the legacy forms (``X-Emby-Token``, ``X-MediaBrowser-Token``, ``X-Emby-Authorization``,
``?api_key=``) only while ``legacy_auth`` is on (the 10.11 default; Jellyfin 12 turns it off).
"""

from __future__ import annotations

from starlette.applications import Starlette

from curatarr.sims.library import SampleLibrary
from curatarr.sims.mediabrowser_common import Flavor, build_app

JELLYFIN = Flavor(name="jellyfin", prefix="", product="Jellyfin Server", version="10.11.11",
                  numeric_ids=False, legacy_auth=True)


def create_app(library: SampleLibrary, *, api_key: str = "jellyfin-key", instance: str = "jellyfin",
               small_images: bool = False, legacy_auth: bool = True) -> Starlette:
    """A Jellyfin server simulator for ``library``; ``small_images`` renders artwork at 1/10 size."""
    return build_app(library, JELLYFIN, api_key=api_key, instance=instance, small_images=small_images,
                     legacy_auth=legacy_auth)
