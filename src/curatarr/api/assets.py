"""Posterizarr's asset endpoints: action center (overview), stats, folders, manual assets gallery,
folder browser, and the asset files themselves (``/poster_assets/…``, ``/manual_poster_assets/…``)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from curatarr.api.deps import RuntimeDep
from curatarr.api.galleries import asset_paths, cached_json, files_view
from curatarr.auth.deps import allow_query_token
from curatarr.db.models.posters import PosterAsset
from curatarr.posters import folders, gallery_index
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
def overview(rt: RuntimeDep):
    cfg = folders.poster_config(rt)
    root, _manual = folders.roots(rt)
    with rt.db.session() as s:
        rows = [row_dict(r) for r in s.execute(select(PosterAsset).order_by(PosterAsset.id)).scalars()]
    present = asset_paths(rt, root)  # the gallery index: not one stat per row
    for row in rows:
        row["has_poster"] = row["asset_path"] in present
    primary_language = (cfg.language_order[0] if cfg.language_order else "").lower()
    cats = categorize(rows, primary_language, cfg.favourite_provider)
    return {"categories": {name: {"count": len(items), "assets": items} for name, items in cats.items()},
            "config": {"primary_language": primary_language, "primary_provider": cfg.favourite_provider}}


class SkipBody(BaseModel):
    id: int = Field(..., ge=1)
    skip: bool = True


def _label_on_server(rt: Runtime, server: str, server_id: str, label: str, skip: bool) -> str:
    """Set/remove the skip label on the server item (its movie/show); HTTPException when that fails."""
    from curatarr.connectors.errors import ConnectorError, NotFound
    from curatarr.connectors.http import RetryPolicy
    from curatarr.instances.factory import build_connector, get_instance
    from curatarr.posters.modes import set_skip_label

    try:
        ref = get_instance(rt, server)
    except KeyError:
        raise HTTPException(409, f"media server {server!r} is no longer configured; nothing was changed") from None
    # a person is waiting: fail fast rather than through a run's full retry schedule
    client = build_connector(ref, retry=RetryPolicy(attempts=2, backoff_initial=0.2), timeout=15)
    server_type = ref.type
    try:
        return set_skip_label(client, server_type, server_id, label, skip)
    except NotFound:
        raise HTTPException(409, f"item {server_id} is no longer on {server}; nothing was changed") from None
    except (KeyError, ValueError) as exc:  # an item type the server cannot label this way
        raise HTTPException(409, f"item {server_id} on {server} cannot carry the label ({exc}); "
                                 "nothing was changed") from None
    except ConnectorError as exc:
        action = "add" if skip else "remove"
        raise HTTPException(502, f"could not {action} the {label!r} label on {server}: {exc}; "
                                 "the record was not changed") from None
    finally:
        client.close()


@router.post("/api/assets/skip")
def skip(rt: RuntimeDep, body: SkipBody):
    """Posterizarr v3's skip: put the skip label/tag on the item's movie/show on its server (so
    every later run skips it), then hide its action-center rows (they move to ``resolved``).
    ``skip: false`` removes the label and shows the rows again. If the server cannot be changed,
    nothing is hidden (502)."""
    label = folders.poster_config(rt).skip_label
    with rt.db.session() as s:
        row = s.get(PosterAsset, body.id)
        if row is None:
            raise HTTPException(404, f"no asset record {body.id}")
        server, server_id, folder, library = row.server, row.server_id, row.rootfolder, row.library
        collection = row.kind == "collection"
    labelled = None
    if server and server_id and not collection:  # runs read the label from movies/shows, not collections
        labelled = _label_on_server(rt, server, server_id, label, body.skip)
    with rt.db.session() as s:
        if labelled and folder:  # every row of the same movie/show: the label covers all of them
            rows = s.execute(select(PosterAsset).where(PosterAsset.server == server, PosterAsset.rootfolder == folder,
                                                       PosterAsset.library == library)).scalars().all()
        else:
            rows = [s.get(PosterAsset, body.id)]
        for r in rows:
            r.skipped = body.skip
        s.commit()
        hidden = len(rows)
    return {"success": True, "id": body.id, "skipped": body.skip, "server": server or None,
            "server_item": labelled, "label": label if labelled else None, "rows": hidden}


def _folder_stats(rt: Runtime, root) -> dict:
    return files_view(rt, root, "stats", folders.folder_stats_of)  # the galleries' walk serves the stats too


@router.get("/api/assets/stats")
def stats(rt: RuntimeDep, request: Request):
    root, _manual = folders.roots(rt)
    return cached_json(request, root, lambda: {"success": True, "stats": _folder_stats(rt, root)})


@router.get("/api/assets-folders")
def assets_folders(rt: RuntimeDep, request: Request):
    root, _manual = folders.roots(rt)
    return cached_json(request, root, lambda: {"folders": [f for f in _folder_stats(rt, root)["folders"] if f["path"]]})


@router.get("/api/manual-assets-gallery")
def manual_assets_gallery(rt: RuntimeDep, request: Request):
    _root, manual = folders.roots(rt)
    if manual is None:
        return folders.manual_gallery(None)
    return cached_json(request, manual, lambda: gallery_index.cached(
        manual, "manual-gallery", lambda: folders.manual_gallery(manual), stamp=gallery_index.run_stamp(rt.db)))


@router.get("/api/folder-view/browse")
def folder_browse(rt: RuntimeDep, path: str = Query("", max_length=2000)):
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
def poster_asset_file(rt: RuntimeDep, path: str):
    root, _manual = folders.roots(rt)
    return _serve(root, path)


@router.get("/manual_poster_assets/{path:path}")
@allow_query_token
def manual_asset_file(rt: RuntimeDep, path: str):
    _root, manual = folders.roots(rt)
    if manual is None:
        raise HTTPException(404, "no manual asset folder is configured")
    return _serve(manual, path)
