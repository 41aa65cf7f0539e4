"""Provider look-ups for the poster maker: one cached look-up per show/movie and provider serves
poster, background, seasons and episodes; results are kept for the run in memory and across runs in
``poster_provider_cache`` (TTL), so an unchanged library costs no provider calls at all. Downloads go
through each provider's own client (its rate limiter applies per provider)."""

from __future__ import annotations

import json
import logging
import threading
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import asdict
from datetime import timedelta
from typing import Any, Callable

from curatarr.connectors.errors import ConnectorError, NotFound
from curatarr.connectors.provider_images import ImageCandidate
from curatarr.db.base import utcnow

log = logging.getLogger("curatarr.posters")
PROVIDERS = ("tmdb", "fanart", "tvdb")


class NeedsNetwork(Exception):
    """Raised in offline mode (:meth:`ProviderLookups.offline`) by a look-up that is not cached."""


def _dump(cands: list[ImageCandidate]) -> str:
    return json.dumps([{k: v for k, v in asdict(c).items() if k != "extra"} for c in cands])


def _load(text: str) -> list[ImageCandidate]:
    return [ImageCandidate(**d) for d in json.loads(text)]


def _ranked(cands: list[ImageCandidate]) -> list[ImageCandidate]:
    """Provider order = popularity (TMDB vote_average, Fanart likes, TVDB score), stable."""
    return sorted(cands, key=lambda c: (-c.score, -c.votes))


class ProviderLookups:
    """Image candidates per item and kind from the configured providers, cached."""

    def __init__(self, clients: dict[str, Any], *, db=None, ttl_hours: float = 24.0, languages=()):
        self.clients = {k: v for k, v in clients.items() if v is not None}
        self.db = db
        self.ttl = timedelta(hours=ttl_hours)
        self.languages = list(languages)
        self._memory: dict[str, dict[str, list[ImageCandidate]]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self.calls = 0  # provider requests actually made (not served from a cache)
        self.downloads = 0
        # Look-ups that failed (provider down, bad answer): (cache key, message). The item then has no
        # candidates from that provider; the run books these as errors, not as "no art exists".
        self.failures: list[tuple[str, str]] = []

    @contextmanager
    def offline(self, enabled: bool = True):
        """In this thread, look-ups that would need a request raise :class:`NeedsNetwork` instead:
        an item whose answers are all cached is decided without a thread hand-off."""
        before = getattr(self._local, "offline", False)
        self._local.offline = enabled
        try:
            yield
        finally:
            self._local.offline = before

    @property
    def is_offline(self) -> bool:
        return getattr(self._local, "offline", False)

    # ---- cache ------------------------------------------------------------------------------------
    # Keys look like "tmdb:tv:1396", "tmdb:tv:1396:s1", "tmdb:tv:1396:s1e2": everything of one show
    # at one provider shares the first three segments. The database level is read one show at a
    # time (one query per show and provider, not one per season/episode), and the memory level is
    # released when the show is done, so memory stays flat on a 10,000-show library.
    @staticmethod
    def _prefix(key: str) -> str:
        return ":".join(key.split(":", 3)[:3])

    @staticmethod
    @lru_cache(maxsize=1)
    def _load_query():
        """The cached-answers query of one show and provider, built once (with bound parameters):
        building it per call was a visible part of a no-op run."""
        from sqlalchemy import and_, bindparam, or_, select

        from curatarr.db.models.posters import PosterProviderCache as Cache

        return (select(Cache.key, Cache.value)
                .where(or_(Cache.key == bindparam("prefix"),  # a primary-key range, not LIKE: ";" follows ":"
                           and_(Cache.key >= bindparam("low"), Cache.key < bindparam("high"))))
                .where(Cache.fetched_at >= bindparam("fresh")))

    def _db_load(self, prefix: str) -> dict[str, list[ImageCandidate]]:
        if self.db is None or self.ttl.total_seconds() <= 0:
            return {}
        # A Core query on a plain connection: this runs once per show and provider on every run,
        # and the ORM session's per-query set-up cost more than the query (profile of a no-op run).
        params = {"prefix": prefix, "low": prefix + ":", "high": prefix + ";", "fresh": utcnow() - self.ttl}
        with self.db.engine.connect() as conn:
            rows = conn.execute(self._load_query(), params).all()
        return {k: _load(v) for k, v in rows}

    def _db_put(self, key: str, cands: list[ImageCandidate]) -> None:
        if self.db is None or self.ttl.total_seconds() <= 0:
            return
        from curatarr.db.models.posters import PosterProviderCache

        with self.db.session() as s:
            row = s.get(PosterProviderCache, key)
            if row is None:
                s.add(PosterProviderCache(key=key[:200], value=_dump(cands), fetched_at=utcnow()))
            else:
                row.value, row.fetched_at = _dump(cands), utcnow()
            s.commit()

    def cached(self, key: str, fetch: Callable[[], list[ImageCandidate]]) -> list[ImageCandidate]:
        # The memory level is a plain dict used without a lock: a single get/setdefault/pop is atomic
        # under the GIL, and a lock here made the look-up threads of a no-op run queue behind each
        # other (a convoy: most of their samples were waits for it).
        prefix = self._prefix(key)
        bucket = self._memory.get(prefix)
        if bucket is None:
            bucket = self._memory.setdefault(prefix, self._db_load(prefix))
        found = bucket.get(key)
        if found is not None:
            return found
        if self.is_offline:
            raise NeedsNetwork(key)
        try:
            with self._lock:
                self.calls += 1
            found = _ranked(fetch())
        except NotFound:
            found = []
        except (ConnectorError, ValueError) as exc:  # provider down: no candidates, not cached
            log.warning("provider look-up %s failed: %s", key, exc)
            with self._lock:
                self.failures.append((key, str(exc)))
            return []
        self._db_put(key, found)
        bucket[key] = found
        return found

    def release(self, ids: dict[str, str]) -> None:
        """Forget the in-memory answers for one item (its decisions are made)."""
        values = {part for v in ids.values() if v for part in str(v).split(",")}  # collections list members
        for prefix in [p for p in list(self._memory) if p.rsplit(":", 1)[-1] in values]:  # list(): one atomic copy
            self._memory.pop(prefix, None)

    # ---- look-ups ---------------------------------------------------------------------------------
    def _item_images(self, provider: str, kind: str, ids: dict[str, str]) -> list[ImageCandidate]:
        c = self.clients.get(provider)
        if c is None:
            return []
        tmdb, tvdb, imdb = ids.get("tmdb"), ids.get("tvdb"), ids.get("imdb")
        if provider == "tmdb" and tmdb:
            if kind == "movie":
                return self.cached(f"tmdb:movie:{tmdb}", lambda: c.movie_images(int(tmdb)))
            return self.cached(f"tmdb:tv:{tmdb}", lambda: c.show_images(int(tmdb)))
        if provider == "fanart":
            if kind == "movie" and (tmdb or imdb):
                return self.cached(f"fanart:movie:{tmdb or imdb}", lambda: c.movie_images(tmdb, imdb))
            if kind == "show" and tvdb:
                return self.cached(f"fanart:tv:{tvdb}", lambda: c.show_images(int(tvdb)))
        if provider == "tvdb" and tvdb and kind == "show":
            return self.cached(f"tvdb:tv:{tvdb}", lambda: c.series_artworks(int(tvdb)))
        if provider == "tvdb" and kind == "movie" and ids.get("tvdb_movie"):
            return self.cached(f"tvdb:movie:{ids['tvdb_movie']}", lambda: c.movie_artworks(int(ids["tvdb_movie"])))
        return []

    def candidates(self, provider: str, item_kind: str, asset_kind: str, ids: dict[str, str], *,
                   season: int | None = None, episode: int | None = None) -> list[ImageCandidate]:
        """Candidates of one provider for one asset (poster/background/season/titlecard)."""
        c = self.clients.get(provider)
        if c is None:
            return []
        tmdb, tvdb = ids.get("tmdb"), ids.get("tvdb")
        if asset_kind in ("poster", "background"):
            wanted = "poster" if asset_kind == "poster" else "background"
            return [x for x in self._item_images(provider, item_kind, ids) if x.kind == wanted]
        if asset_kind == "season" and season is not None:
            if provider == "tmdb" and tmdb:
                return self.cached(f"tmdb:tv:{tmdb}:s{season}", lambda: c.season_images(int(tmdb), season))
            if provider == "fanart":
                return [x for x in self._item_images("fanart", "show", ids) if x.kind == "season" and x.season == season]
            if provider == "tvdb" and tvdb:
                return self.cached(f"tvdb:tv:{tvdb}:s{season}", lambda: c.season_artworks(int(tvdb), season))
        if asset_kind == "collection":
            return [x for x in self._collection_images(provider, ids) if x.kind == "poster"]
        if asset_kind == "titlecard" and season is not None and episode is not None:
            if provider == "tmdb" and tmdb:
                return self.cached(f"tmdb:tv:{tmdb}:s{season}e{episode}",
                                   lambda: c.episode_images(int(tmdb), season, episode))
            if provider == "tvdb" and tvdb:
                stills = self.cached(f"tvdb:tv:{tvdb}:stills", lambda: self._tvdb_stills(c, int(tvdb)))
                return [x for x in stills if x.season == season and x.episode == episode]
        return []

    def _collection_images(self, provider: str, ids: dict[str, str]) -> list[ImageCandidate]:
        """TMDB collection images: by the collection id (Jellyfin/Emby BoxSets carry it), else via the
        first member movie that belongs to a collection (cached per member, like every answer)."""
        c = self.clients.get(provider)
        if provider != "tmdb" or c is None:
            return []
        coll = ids.get("tmdb_collection")
        if coll:
            return self.cached(f"tmdb:collection:{coll}", lambda: c.collection_images(int(coll)))
        for member in (ids.get("tmdb_members") or "").split(","):
            if member.strip().isdigit():
                found = self.cached(f"tmdb:movie:{member.strip()}:collection",
                                    lambda m=int(member): self._member_collection(c, m))
                if found:
                    return found
        return []

    @staticmethod
    def _member_collection(client: Any, movie_id: int) -> list[ImageCandidate]:
        details = client.movie(movie_id)
        return client.collection_images(details.collection_id) if details.collection_id else []

    @staticmethod
    def _tvdb_stills(client: Any, series_id: int) -> list[ImageCandidate]:
        return [ImageCandidate(provider="tvdb", kind="still", url=e.image, language="xx", provider_id=str(e.id),
                               item_id=str(series_id), season=e.season_number, episode=e.number)
                for e in client.episodes(series_id) if e.image]

    def download(self, candidate: ImageCandidate) -> bytes:
        client = self.clients.get(candidate.provider)
        if client is None:
            raise ConnectorError(f"no {candidate.provider} instance to download from", service=candidate.provider)
        data = client.download(candidate)
        with self._lock:
            self.downloads += 1
        return data

    def close(self) -> None:
        for client in self.clients.values():
            close = getattr(client, "close", None)
            if callable(close):
                close()


PROVIDERS = ("tmdb", "fanart", "tvdb")


def provider_lookups(connectors: Any, db: Any, cfg: Any) -> ProviderLookups:
    """The artwork providers a poster-maker config names (``cfg.providers``: provider → instance name;
    the first configured instance otherwise), as one :class:`ProviderLookups` with the answer cache.
    ``connectors`` is a :class:`curatarr.instances.pool.ConnectorPool` (a run's, or one of its own)."""
    clients: dict[str, Any] = {}
    for provider in PROVIDERS:
        name = cfg.providers.get(provider)
        refs = connectors.instances(provider)
        ref = next((r for r in refs if r.name == name), None) if name else (refs[0] if refs else None)
        if ref is not None:
            clients[provider] = connectors.get(ref.name, provider)
    return ProviderLookups(clients, db=db, ttl_hours=cfg.provider_cache_hours)
