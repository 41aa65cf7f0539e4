"""Posterizarr's asset endpoints: action center (overview), stats, folders, manual assets gallery,
folder browser, and the asset files themselves (``/poster_assets/…``, ``/manual_poster_assets/…``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from curatarr.api.deps import get_runtime
from curatarr.auth.deps import allow_query_token
from curatarr.db.models.posters import PosterAsset
from curatarr.posters import folders
from curatarr.posters.choices import row_dict
from curatarr.posters.writer import UnsafeAssetPath, resolve
from curatarr.runtime import Runtime

router = APIRouter()
PROVIDER_PATTERNS = {"tmdb": ("tmdb", "themoviedb"), "tvdb": ("tvdb", "thetvdb"), "fanart": ("fanart",),
                     "plex": ("plex",)}
CATEGORIES = ("missing_assets", "missing_assets_fav_provider", "non_primary_lang", "non_primary_provider",
              "truncated_text", "assets_with_issues", "resolved")


def _false(value: str | None) -> bool:
    return not value or str(value).lower() == "false"


def categorize(rows: list[dict], primary_language: str, primary_provider: str) -> dict[str, list[dict]]:
    """Posterizarr's action-center categories (posterizarr.md §4.7)."""
    out: dict[str, list[dict]] = {c: [] for c in CATEGORIES}
    patterns = PROVIDER_PATTERNS.get(primary_provider, (primary_provider,))
    for row in rows:
        if row["Manual"] == "true" or row.get("skipped"):
            out["resolved"].append(row)
            continue
        issues = []
        if _false(row["DownloadSource"]):
            issues.append("missing_assets")
        if _false(row["FavProviderLink"]):
            issues.append("missing_assets_fav_provider")
        lang = "xx" if row["Language"] == "Textless" else str(row["Language"]).lower()
        if not _false(row["DownloadSource"]) and ((primary_language and lang != primary_language)
                                                  or (not primary_language and lang != "xx")):
            issues.append("non_primary_lang")
        if not _false(row["DownloadSource"]) and not _false(row["FavProviderLink"]) and not (
                any(p in row["DownloadSource"].lower() for p in patterns) or row.get("provider") == primary_provider):
            issues.append("non_primary_provider")
        if row["TextTruncated"] == "true":
            issues.append("truncated_text")
        for issue in issues:
            out[issue].append(row)
        if issues:
            out["assets_with_issues"].append(row)
    return out


@router.get("/api/assets/overview")
def overview(rt: Runtime = Depends(get_runtime)):
    cfg = folders.poster_config(rt)
    root, _manual = folders.roots(rt)
    with rt.db.session() as s:
        rows = [row_dict(r) for r in s.execute(select(PosterAsset).order_by(PosterAsset.id)).scalars()]
    for row in rows:
        row["has_poster"] = (root / row["asset_path"]).is_file()
    primary_language = (cfg.language_order[0] if cfg.language_order else "").lower()
    cats = categorize(rows, primary_language, cfg.favourite_provider)
    return {"categories": {name: {"count": len(items), "assets": items} for name, items in cats.items()},
            "config": {"primary_language": primary_language, "primary_provider": cfg.favourite_provider}}


class SkipBody(BaseModel):
    id: int = Field(..., ge=1)
    skip: bool = True


@router.post("/api/assets/skip")
def skip(body: SkipBody, rt: Runtime = Depends(get_runtime)):
    """Hide an action-center row (it moves to ``resolved``)."""
    with rt.db.session() as s:
        row = s.get(PosterAsset, body.id)
        if row is None:
            raise HTTPException(404, f"no asset record {body.id}")
        row.skipped = body.skip
        s.commit()
    return {"success": True, "id": body.id, "skipped": body.skip}


@router.get("/api/assets/stats")
def stats(rt: Runtime = Depends(get_runtime)):
    root, _manual = folders.roots(rt)
    return {"success": True, "stats": folders.folder_stats(root)}


@router.get("/api/assets-folders")
def assets_folders(rt: Runtime = Depends(get_runtime)):
    root, _manual = folders.roots(rt)
    return {"folders": [f for f in folders.folder_stats(root)["folders"] if f["path"]]}


@router.get("/api/manual-assets-gallery")
def manual_assets_gallery(rt: Runtime = Depends(get_runtime)):
    _root, manual = folders.roots(rt)
    return folders.manual_gallery(manual)


@router.get("/api/folder-view/browse")
def folder_browse(path: str = Query("", max_length=2000), rt: Runtime = Depends(get_runtime)):
    root, _manual = folders.roots(rt)
    try:
        return folders.browse(root, path)
    except UnsafeAssetPath as exc:
        raise HTTPException(400, str(exc)) from None
    except FileNotFoundError:
        raise HTTPException(404, f"no folder {path!r} in the asset folder") from None


def _serve(root, path: str) -> FileResponse:
    try:
        file = resolve(root, path)
    except UnsafeAssetPath as exc:
        raise HTTPException(400, str(exc)) from None
    if not file.is_file():
        raise HTTPException(404, "no such asset")
    return FileResponse(file, headers={"Cache-Control": "private, max-age=300"})


@router.get("/poster_assets/{path:path}")
@allow_query_token
def poster_asset_file(path: str, rt: Runtime = Depends(get_runtime)):
    root, _manual = folders.roots(rt)
    return _serve(root, path)


@router.get("/manual_poster_assets/{path:path}")
@allow_query_token
def manual_asset_file(path: str, rt: Runtime = Depends(get_runtime)):
    _root, manual = folders.roots(rt)
    if manual is None:
        raise HTTPException(404, "no manual asset folder is configured")
    return _serve(manual, path)
