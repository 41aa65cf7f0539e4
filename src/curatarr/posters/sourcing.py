"""Where an asset's source image comes from (Posterizarr §1.7).

Order: a manual asset; the providers, favourite first, asked lazily (the next provider is only
queried when the previous one has nothing in a wanted language); then — unless the order is
textless-only ``[xx]`` — the server's own current image, refused when it carries another tool's
marker (Kometa, TitleCardMaker, PPM, Posterizarr, us); then the season → show poster / title card
→ background fallbacks. Language orders can differ per library (``library_language_overrides``).
"""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timezone
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from curatarr.artwork.choice import Candidate, ChoiceRules, pick
from curatarr.connectors.errors import ConnectorError, NotFound
from curatarr.connectors.media_server import MediaServer
from curatarr.connectors.provider_images import ImageCandidate
from curatarr.library.records import SERVER_TYPES
from curatarr.posters.libraries import MediaItem
from curatarr.posters.markers import tool_marker
from curatarr.posters.plan import AssetSpec, language_order
from curatarr.posters.providers import NeedsNetwork

LANGUAGE_KEYS = {"poster": "language_order", "season": "season_language_order",
                 "background": "background_language_order", "titlecard": "titlecard_language_order",
                 "collection": "language_order"}


@dataclass(frozen=True)
class ServerArt:
    """The server's current image of one slot, used as a last-resort source."""

    provider: str             # the server's type name (the ImageChoices provider)
    server: str               # instance name
    server_id: str
    slot: str                 # poster | background
    url: str                  # what DownloadSource records: server, object, slot and a content hash
    data: bytes = field(default=b"", repr=False)


def server_art_url(server: str, server_id: str, slot: str, data: bytes) -> str:
    return f"{server}:{server_id}:{slot}#{hashlib.sha256(data).hexdigest()[:16]}"


def orders_for(cfg: Any, library: str) -> dict[str, list[str]]:
    """The four language orders, with the library's overrides (Posterizarr v3 LibraryLanguageOverrides)."""
    orders = {kind: list(getattr(cfg, key)) for kind, key in LANGUAGE_KEYS.items()}
    override = next((v for k, v in (cfg.library_language_overrides or {}).items()
                     if k.lower() == (library or "").lower()), None)
    if override is not None:
        for kind, key in LANGUAGE_KEYS.items():
            value = getattr(override, key, None)
            if value:
                orders[kind] = list(value)
    return orders


def rules_for(cfg: Any, kind: str, library: str = "") -> ChoiceRules:
    orders = orders_for(cfg, library)
    landscape = kind in ("background", "titlecard")
    return ChoiceRules(language_order=language_order(kind, orders), favourite=cfg.favourite_provider,
                       provider_order=[cfg.favourite_provider] + [p for p in cfg.provider_order
                                                                 if p != cfg.favourite_provider],
                       min_width=cfg.background_min_width if landscape else cfg.poster_min_width,
                       min_height=cfg.background_min_height if landscape else cfg.poster_min_height)


def _as_choice(c: ImageCandidate) -> Candidate:
    return Candidate(id=c.url, provider=c.provider, language=c.language, width=c.width or 0,
                     height=c.height or 0, url=c.url, votes=c.score)


class Sourcer:
    """Chooses the source of each asset of a run (thread-safe: items are decided concurrently)."""

    def __init__(self, cfg: Any, lookups: Any, *, manual_root: Path | None = None,
                 servers: dict[str, MediaServer] | None = None, known: dict[str, dict] | None = None,
                 asset_root: Path | None = None, log: Callable[[str], None] | None = None):
        self.cfg = cfg
        self.lookups = lookups
        self.manual_root = manual_root
        self.servers = servers or {}
        self.known = known or {}
        self.asset_root = asset_root
        self.log = log or (lambda _msg: None)
        self.downloads = 0  # server images fetched (the marker check needs the bytes)
        # Slots whose server image carried a tool marker: refused now, or refused within the provider
        # cache time (not downloaded again, so a no-op run stays at 0 downloads).
        self.refused: set[str] = set()
        self.remembered: set[str] = set()
        self._lock = threading.Lock()

    def _download(self, client: MediaServer, server_id: str, slot: str) -> bytes:
        data = client.artwork(server_id, slot)
        with self._lock:
            self.downloads += 1
        return data

    def choose(self, item: MediaItem, spec: AssetSpec) -> tuple[Any, str, str]:
        """(ImageCandidate | manual Path | ServerArt | None, fallback label, reason)."""
        cfg = self.cfg
        if self.manual_root is not None:
            stem = str(Path(spec.key).with_suffix(""))
            for ext in (".jpg", ".jpeg", ".png", ".webp"):
                path = self.manual_root / (stem + ext)
                if path.is_file():
                    return path, "false", "manual asset"
        rules = rules_for(cfg, spec.kind, item.library)
        # Favourite first, lazily: once one provider has an image in a wanted language the others
        # are never queried (same result as ranking the whole pool — provider order beats language
        # order — at a fraction of the requests).
        found = self.first(rules, item, spec.kind, spec.season, spec.episode)
        if found is not None:
            cand, reason = found
            return cand, "false" if cand.provider == cfg.favourite_provider else "true", reason
        if rules.language_order != ["xx"] and getattr(cfg, "server_art_fallback", True):
            art = self.server_art(item, spec)
            if art is not None:
                return art, "true", "server art"
        parent_kind = {"season": "poster", "titlecard": "background"}.get(spec.kind)
        allowed = cfg.show_fallback if spec.kind == "season" else cfg.background_fallback
        if parent_kind and allowed:
            found = self.first(rules_for(cfg, parent_kind, item.library), item, parent_kind)
            if found is not None:
                return found[0], "True-Show" if spec.kind == "season" else "True-Background", "parent fallback"
        return None, "false", "no candidate in a wanted language"

    def first(self, rules: ChoiceRules, item: MediaItem, kind: str, season=None, episode=None):
        for provider in rules.provider_order:
            pool = self.lookups.candidates(provider, item.kind, kind, item.ids, season=season, episode=episode)
            if not pool:
                continue
            by_url = {c.url: c for c in pool}
            decision = pick([_as_choice(c) for c in pool], rules)
            if decision.candidate is not None:
                return by_url[decision.candidate.id], decision.reason
        return None

    def server_art(self, item: MediaItem, spec: AssetSpec) -> ServerArt | None:
        """The server's current image, unless it carries a tool marker (``disable_hash_validation``
        skips that check). An asset already made from server art is kept without downloading again:
        once we upload, the server's image is ours and would be refused."""
        client = self.servers.get(item.server)
        if client is None or not spec.server_id:
            return None
        stype = client.server_type
        slot = spec.server_image or "poster"
        row = self.known.get(spec.key) or {}
        if (row.get("status") == "written" and row.get("provider") in SERVER_TYPES and self.asset_root is not None
                and (self.asset_root / spec.key).is_file() and row.get("download_source")):
            return ServerArt(stype, item.server, spec.server_id, slot, row["download_source"])
        if (row.get("status") == "refused" and not getattr(self.cfg, "disable_hash_validation", False)
                and self._recent(row.get("updated_at"))):
            with self._lock:
                self.remembered.add(spec.key)
            return None
        if self.lookups.is_offline:
            raise NeedsNetwork(f"server art of {spec.key}")
        try:
            data = self._download(client, spec.server_id, slot)
        except NotFound:
            return None
        except ConnectorError as exc:
            self.log(f"server art of {spec.key} unavailable: {exc}")
            return None
        if not data:
            return None
        if not getattr(self.cfg, "disable_hash_validation", False):
            marker = tool_marker(data)
            if marker is not None:
                self.log(f"server art of {spec.key} refused: its metadata says {marker!r}")
                with self._lock:
                    self.refused.add(spec.key)
                return None
        return ServerArt(stype, item.server, spec.server_id, slot, server_art_url(item.server, spec.server_id,
                                                                                 slot, data), data)

    def _recent(self, when: Any) -> bool:
        if when is None:
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        age_hours = (datetime.now(timezone.utc) - when).total_seconds() / 3600
        return age_hours < float(getattr(self.cfg, "provider_cache_hours", 24.0))

    def fetch(self, art: ServerArt) -> bytes:
        """Bytes of a server-art source (downloaded again when the choice was kept from a past run)."""
        if art.data:
            return art.data
        client = self.servers[art.server]
        data = self._download(client, art.server_id, art.slot)
        if not getattr(self.cfg, "disable_hash_validation", False) and tool_marker(data) is not None:
            raise ConnectorError("the server's image now carries a tool marker", service=client.server_type)
        return data
