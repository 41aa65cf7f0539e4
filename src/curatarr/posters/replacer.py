"""The asset replacer (Posterizarr's ``/api/assets/fetch-replacements``, ``replace-from-url`` and
``upload-replacement``): provider candidates for one asset, ranked as a run would rank them, and a
chosen image stored as a manual asset — or queued as a manual run when it should be rendered."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from curatarr.errors import DomainError, Invalid, Unavailable
from curatarr.fsutil import atomic_write_bytes
from curatarr.instances.pool import ConnectorPool
from curatarr.posters import folders, gallery_index
from curatarr.posters.providers import provider_lookups
from curatarr.posters.writer import UnsafeAssetPath, classify, resolve

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


class Unprocessable(DomainError):
    """The request names nothing to look up (422)."""

    status = 422
    default_code = "UNPROCESSABLE"


class ImageRefused(DomainError):
    """The image could not be fetched; ``status`` is the artwork service's (400 by default)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status or 400  # type: ignore[misc]  (per instance: the fetch error's own status)


def provider_order(cfg: Any) -> list[str]:
    """The favourite provider, then the others in the configured order."""
    return [cfg.favourite_provider] + [p for p in cfg.provider_order if p != cfg.favourite_provider]


def replacement_candidates(rt: "Runtime", *, asset_path: str, media_type: str, asset_type: str,
                           ids: dict[str, str], season: int | None, episode: int | None) -> dict:
    """Every provider image for the asset, wanted languages first, then provider order, then score."""
    from curatarr.posters.plan import language_order

    if not ids:
        raise Unprocessable("give tmdb_id, tvdb_id or imdb_id")
    if asset_type in ("season", "titlecard") and season is None:
        raise Unprocessable("season and title card replacements need season_number")
    cfg = folders.poster_config(rt)
    connectors = ConnectorPool(rt)
    lookups = provider_lookups(connectors, rt.db, cfg)  # the provider clients and answer cache a run uses
    providers = provider_order(cfg)
    try:
        item_kind = "movie" if media_type == "movie" else "show"
        pool = []
        for provider in providers:
            pool += lookups.candidates(provider, item_kind, asset_type, ids, season=season, episode=episode)
    finally:
        lookups.close()
        connectors.close()
    orders = {"poster": cfg.language_order, "season": cfg.season_language_order,
              "background": cfg.background_language_order, "titlecard": cfg.titlecard_language_order}
    langs = language_order(asset_type, orders)

    def rank(c):
        return (langs.index(c.language) if c.language in langs else len(langs),
                providers.index(c.provider) if c.provider in providers else len(providers), -c.score)

    results = [{"provider": c.provider, "url": c.url, "original_url": c.url, "language": c.language,
                "width": c.width, "height": c.height, "score": c.score, "votes": c.votes,
                "preferred": c.language in langs} for c in sorted(pool, key=rank)]
    return {"success": True, "asset_path": asset_path, "results": results, "total": len(results)}


# The format an asset file's extension promises: a stored file's bytes must be what its name says.
EXTENSION_FORMATS = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp"}


def inspect_upload(rt: "Runtime", data: bytes):
    """The image's header facts, read without decoding a pixel; a decompression bomb or an image over
    ``general.max_image_megapixels`` is refused (413), a non-image 400/415, never a decoder crash."""
    from curatarr.artwork.errors import ArtworkError
    from curatarr.artwork.source import inspect_image

    if not data:
        raise Invalid("the file is empty")
    limit = rt.config.settings.general.max_image_megapixels * 1_000_000
    try:
        return inspect_image(data, max_pixels=limit)
    except ArtworkError as exc:
        raise ImageRefused(str(exc), exc.status) from None


def check_ratio(rt: "Runtime", data: bytes, asset_path: str) -> str:
    """Posters 2:3, backgrounds and title cards 16:9 (5 % tolerance); Invalid otherwise.
    Returns the image's format (``jpeg``, ``png`` …) read from its bytes."""
    info = inspect_upload(rt, data)
    width, height = info.width, info.height
    kind = classify(asset_path.rsplit("/", 1)[-1]) or "poster"
    want = 16 / 9 if kind in ("background", "titlecard") else 2 / 3
    if abs(width / height - want) / want > 0.05:
        raise Invalid(f"a {kind} must be {'16:9' if want > 1 else '2:3'} (got {width}x{height})")
    return info.format


def matching_bytes(data: bytes, fmt: str, asset_path: str) -> bytes:
    """``data`` in the format ``asset_path``'s extension names: a PNG sent for ``poster.jpg`` is
    re-encoded as JPEG (servers and Kometa trust the extension), bytes already right pass as they are."""
    ext = asset_path.rsplit(".", 1)[-1].lower() if "." in asset_path.rsplit("/", 1)[-1] else ""
    want = EXTENSION_FORMATS.get(ext)
    if want is None:
        raise Invalid(f"asset_path must end in one of .{', .'.join(EXTENSION_FORMATS)}")
    if fmt == want:
        return data
    from curatarr.artwork.errors import ArtworkError
    from curatarr.artwork.encode import transcode

    try:
        return transcode(data, want)
    except ArtworkError as exc:
        raise ImageRefused(str(exc), exc.status) from None


def store_replacement(rt: "Runtime", asset_path: str, data: bytes) -> dict:
    """Without processing the image goes into the manual asset folder (used before any provider on
    the next run); with no manual folder configured it replaces the asset directly."""
    root, manual = folders.roots(rt)
    try:
        target = resolve(manual or root, asset_path)
    except UnsafeAssetPath as exc:
        raise Invalid(str(exc)) from None
    atomic_write_bytes(target, data)
    gallery_index.invalidate(manual or root)
    return {"success": True, "message": f"stored {asset_path}", "path": asset_path,
            "folder": "manual" if manual else "assets", "job_id": None}


def queue_manual(rt: "Runtime", asset_path: str, source: dict, title: str | None) -> dict:
    """A poster maker run in manual mode that renders the asset from ``source``."""
    if rt.jobs is None:
        raise Unavailable("the job queue is not running")
    parts = asset_path.split("/")
    if len(parts) < 2:
        raise Invalid("asset_path must be <folder>/<file> or <library>/<folder>/<file>")
    kind = classify(parts[-1]) or "poster"
    stem = parts[-1].rsplit(".", 1)[0]
    manual = {"kind": kind, "title": title or parts[-2], "folder_name": parts[-2],
              "library": parts[-3] if len(parts) >= 3 else "Library", **source}
    if kind in ("season", "titlecard"):
        manual["season_name"] = f"Season {int(stem[1:3]) if kind == 'titlecard' else int(stem[6:])}"
    if kind == "titlecard":
        manual["episode_number"] = int(stem.split("E", 1)[1])
    job_id = rt.jobs.submit("poster_maker", overrides={"mode": "manual", "manual": manual},
                            origin={"source": "asset-replacer", "asset": asset_path})
    return {"success": True, "message": "replacement queued", "path": asset_path, "job_id": job_id}


def replace_from_url(rt: "Runtime", asset_path: str, image_url: str, *, process: bool, title: str | None) -> dict:
    from curatarr.artwork.errors import ArtworkError
    from curatarr.artwork.service import artwork_service
    from curatarr.security.urls import UnsafeURL

    if process:
        return queue_manual(rt, asset_path, {"source_url": image_url}, title)
    try:
        data = artwork_service(rt).fetch_image(image_url)
    except UnsafeURL as exc:
        raise Invalid(f"image_url refused: {exc}") from None
    except ArtworkError as exc:
        raise ImageRefused(str(exc), exc.status) from None
    fmt = check_ratio(rt, data, asset_path)
    return store_replacement(rt, asset_path, matching_bytes(data, fmt, asset_path))


def replace_from_upload(rt: "Runtime", asset_path: str, data: bytes, *, process: bool, title: str | None) -> dict:
    fmt = check_ratio(rt, data, asset_path)
    if process:
        upload = rt.data_dir / "posters" / "uploads" / f"{uuid.uuid4().hex}.img"
        atomic_write_bytes(upload, data)
        return queue_manual(rt, asset_path, {"source_path": str(upload)}, title)
    return store_replacement(rt, asset_path, matching_bytes(data, fmt, asset_path))
