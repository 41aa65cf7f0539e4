"""The artwork engine as one service per running Curatarr: folders under the data dir, the
template store, the font registry, the text-fit cache backed by the database, and safe fetching
of image URLs. API handlers and the CLI get it with :func:`artwork_service`."""

from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path

import httpx

from curatarr.artwork.batch import WorkerSetup
from curatarr.artwork.compose import RenderContext
from curatarr.artwork.errors import ArtworkError, ImageRejected, ImageTooLarge
from curatarr.artwork.fonts import FONT_EXTENSIONS, FontRegistry
from curatarr.artwork.overlays import OVERLAY_EXTENSIONS
from curatarr.artwork.source import MAX_IMAGE_BYTES
from curatarr.artwork.store import TemplateStore
from curatarr.artwork.textfit import FitCache
from curatarr.security.urls import check_url

log = logging.getLogger("curatarr.artwork")

SAFE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,126}$")
MAX_REDIRECTS = 3


class DbFitStore:
    """Second level of the text-fit cache: the ``artwork_text_fit_cache`` table. Never raises."""

    def __init__(self, db):
        self.db = db

    def get(self, key: str) -> dict | None:
        from curatarr.db.models.artwork import TextFitCacheEntry

        try:
            with self.db.session() as session:
                row = session.get(TextFitCacheEntry, key)
                return json.loads(row.value) if row is not None else None
        except Exception:
            log.debug("text-fit cache read failed", exc_info=True)
            return None

    def put(self, key: str, value: dict) -> None:
        self.put_many({key: value})

    def put_many(self, entries: dict[str, dict]) -> None:
        from curatarr.db.models.artwork import TextFitCacheEntry

        if not entries:
            return
        try:
            with self.db.session() as session:
                for key, value in entries.items():
                    if session.get(TextFitCacheEntry, key) is None:
                        session.add(TextFitCacheEntry(key=key, value=json.dumps(value, ensure_ascii=False)))
                session.commit()
        except Exception as exc:  # the cache is an optimisation, but a failing one must be visible
            log.warning("text-fit cache write failed (%s); fitted texts are not kept across runs",
                        type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG))

    def recent(self, limit: int = 5000) -> dict[str, dict]:
        from sqlalchemy import select

        from curatarr.db.models.artwork import TextFitCacheEntry

        try:
            with self.db.session() as session:
                rows = session.execute(
                    select(TextFitCacheEntry).order_by(TextFitCacheEntry.created_at.desc()).limit(limit)
                ).scalars()
                return {row.key: json.loads(row.value) for row in rows}
        except Exception:
            return {}


def safe_file_name(name: str, allowed_ext: tuple[str, ...]) -> str:
    """A plain file name (no folders), with an allowed extension, or ArtworkError."""
    base = (name or "").strip()
    if not SAFE_NAME_RE.match(base) or ".." in base:  # also refuses any / or \ (no folders)
        raise ArtworkError("file name must be 1-127 letters, digits, spaces or ._()+- and not start with a dot")
    if not base.lower().endswith(allowed_ext):
        raise ArtworkError(f"file extension must be one of {', '.join(allowed_ext)}")
    return base


def fetch_image(url: str, *, timeout: float = 15.0, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
    """Download an image URL: SSRF-checked (every redirect too), size-capped, streamed."""
    current = url
    with httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": "curatarr"}) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise ImageRejected("image URL redirected without a location")
                        current = str(response.url.join(location))
                        continue
                    if response.status_code >= 400:
                        raise ImageRejected(f"image URL answered HTTP {response.status_code}")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise ImageTooLarge(f"image is larger than {max_bytes // (1024 * 1024)} MB")
                    chunks: list[bytes] = []
                    total = 0
                    for chunk in response.iter_bytes():
                        total += len(chunk)
                        if total > max_bytes:
                            raise ImageTooLarge(f"image is larger than {max_bytes // (1024 * 1024)} MB")
                        chunks.append(chunk)
                    return b"".join(chunks)
            except httpx.HTTPError as exc:
                raise ImageRejected(f"could not download the image: {exc.__class__.__name__}") from None
    raise ImageRejected("too many redirects")


class ArtworkService:
    def __init__(self, data_dir: Path, db=None):
        self.data_dir = data_dir
        self.files_dir = data_dir / "overlayfiles"  # Posterizarr's Overlayfiles: fonts + PNG overlays
        self.templates_dir = data_dir / "artwork" / "templates"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.templates_dir.mkdir(parents=True, exist_ok=True)
        self.db_store = DbFitStore(db) if db is not None else None
        self.store = TemplateStore(self.templates_dir)
        self.fonts = FontRegistry(self.files_dir)
        self.context = RenderContext(fonts=self.fonts, overlay_dir=self.files_dir,
                                     fit_cache=FitCache(store=self.db_store))

    def worker_setup(self, seed_limit: int = 5000) -> WorkerSetup:
        seed = self.db_store.recent(seed_limit) if self.db_store is not None else None
        return WorkerSetup(font_dir=str(self.files_dir), overlay_dir=str(self.files_dir),
                           template_dir=str(self.templates_dir), fit_seed=seed or None)

    def persist_fit_entries(self, entries: dict[str, dict]) -> None:
        if self.db_store is not None and entries:
            self.db_store.put_many(entries)

    def file_path(self, name: str) -> Path:
        safe = safe_file_name(name, FONT_EXTENSIONS + OVERLAY_EXTENSIONS)
        return self.files_dir / safe

    def fetch_image(self, url: str, **kw) -> bytes:
        return fetch_image(url, **kw)


_lock = threading.Lock()


def artwork_service(rt) -> ArtworkService:
    """The runtime's artwork service, created on first use."""
    service = rt.artwork
    if service is None:
        with _lock:
            service = rt.artwork
            if service is None:
                service = ArtworkService(rt.data_dir, rt.db)
                rt.artwork = service
    return service


def warm_up(service: ArtworkService) -> None:
    """Load fontconfig, the built-in fonts and the classic plates so the first preview is fast."""
    from curatarr.artwork.compose import RenderInputs, render
    from curatarr.artwork.textprep import TextInputs

    for kind in ("poster", "titlecard"):
        try:
            render(service.store.resolve("classic", kind),
                   RenderInputs(texts=TextInputs(title="Warm up", episode_title="Warm up", season_number=1,
                                                 episode_number=1)), service.context)
        except Exception:
            log.debug("artwork warm-up failed", exc_info=True)


class _Hooks:
    """Lifecycle hook (``curatarr.artwork.service:hooks``): warm the engine in the background."""

    def start(self, rt) -> None:
        threading.Thread(target=lambda: warm_up(artwork_service(rt)), name="artwork-warmup", daemon=True).start()

    def stop(self, rt) -> None:
        return None


hooks = _Hooks()
