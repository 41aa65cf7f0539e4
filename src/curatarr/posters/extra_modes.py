"""The poster maker's other run modes: testing (sample sheet), manual (one asset from a file or URL
with custom text), backup (current server art into a backup folder, same naming), sync (Plex art to
Jellyfin/Emby, hash-compared) and poster reset (re-select the server's own first poster)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from curatarr.artwork.batch import RenderJob, render_many
from curatarr.assets.naming import AssetTarget, asset_relpath
from curatarr.connectors.errors import ConnectorError, NotFound
from curatarr.connectors.media_server import Capability
from curatarr.fsutil import atomic_write_bytes
from curatarr.errors import ModuleError
from curatarr.posters import choices as store
from curatarr.posters.collections import COLLECTION_WORD, collection_relpath
from curatarr.posters.libraries import iter_server
from curatarr.posters.plan import COUNT_KEYS
from curatarr.posters.writer import file_sha256, resolve

SPECIALS = {"specials", "extras", "spéciaux", "0", "00", "season 0", "season 00"}


# ---- manual ----------------------------------------------------------------------------------------

class ManualRequest(BaseModel):
    """One manual asset (Posterizarr's -Manual)."""

    model_config = ConfigDict(extra="ignore")

    kind: str = Field("poster", pattern="^(poster|background|season|titlecard|collection)$")
    source_path: str | None = None
    source_url: str | None = None
    title: str = Field("", max_length=300)
    folder_name: str = Field(..., min_length=1, max_length=300)
    library: str = Field("Library", min_length=1, max_length=200)
    season_name: str | None = None
    episode_number: int | None = Field(None, ge=0)
    episode_title: str | None = None


def season_number(name: str | None) -> tuple[int, str | None]:
    """(number, custom text) from a manual season name: "Season 3" → 3; "Specials" → 0;
    "Custom text | Season 1" → (1, "Custom text")."""
    text = (name or "").strip()
    custom = None
    if "|" in text:
        custom, text = (p.strip() for p in text.split("|", 1))
    if text.lower() in SPECIALS:
        return 0, custom
    match = re.search(r"(\d+)\s*$", text)
    if not match:
        raise ModuleError(f"cannot read a season number from {name!r}")
    return int(match.group(1)), custom


def run_manual(ctx, cfg, root: Path, svc) -> None:
    req = ManualRequest.model_validate(ctx.overrides.get("manual") or {})
    if bool(req.source_path) == bool(req.source_url):
        raise ModuleError("manual mode needs exactly one of source_path or source_url")
    if req.source_url:
        data = svc.fetch_image(req.source_url)
    else:
        from curatarr.security.paths import safe_path

        data = safe_path(req.source_path, ctx.rt.roots()).read_bytes()
    season = episode = None
    texts: dict[str, Any] = {"title": req.title}
    if req.kind == "collection":
        try:
            rel = collection_relpath(req.folder_name, req.library, layout=cfg.layout,
                                     library_folders=cfg.library_folders)
        except ValueError as exc:
            raise ModuleError(str(exc)) from None
        texts["collection_word"] = COLLECTION_WORD
    else:
        if req.kind in ("season", "titlecard"):
            season, custom = season_number(req.season_name)
            texts.update(season_number=season, season_name=custom or ("Specials" if season == 0 else f"Season {season}"))
        if req.kind == "titlecard":
            if req.episode_number is None:
                raise ModuleError("a manual title card needs episode_number")
            episode = req.episode_number
            texts.update(episode_number=episode, episode_title=req.episode_title or req.title)
        target = AssetTarget(kind=req.kind, name=req.folder_name, library=req.library, season=season, episode=episode)
        rel = asset_relpath(target, layout=cfg.layout, library_folders=cfg.library_folders)
    out = resolve(root, rel)
    template = svc.store.resolve(cfg.templates.get(req.kind) or cfg.template, req.kind)
    if ctx.dry_run:
        ctx.result.changed(f"would render {rel}", asset=rel)
        return
    result = next(iter(render_many([RenderJob(kind=req.kind, image=data, texts=texts, out=str(out),
                                              template=template.id, output_format="jpeg", job_id=0)],
                                   workers=1, setup=svc.worker_setup())))
    if not result.ok:
        raise ModuleError(f"manual asset failed: {result.error}")
    if result.skipped or not result.out:
        ctx.result.count("truncated")
        ctx.result.warn("the text did not fit; nothing was written")
        return
    ctx.result.count(COUNT_KEYS[req.kind])
    ctx.result.count("writes")
    store.save_choices(ctx.rt.db, [store.ChoiceRecord(rel, {
        "kind": req.kind, "title": req.title or req.folder_name, "type": req.kind.title(), "rootfolder": req.folder_name,
        "library": req.library, "language": "Textless", "fallback": "false",
        "download_source": req.source_url or req.source_path or "", "provider": "manual", "manual": True,
        "status": "written", "file_hash": file_sha256(out), "text_truncated": bool(result.truncated),
        "low_resolution": result.low_resolution,
        "input_hash": hashlib.sha256(data).hexdigest()})])
    ctx.result.changed(f"rendered {rel}", asset=rel, kind=req.kind)


# ---- testing -----------------------------------------------------------------------------------------

def run_testing(ctx, cfg, svc) -> None:
    from curatarr.artwork.testsheet import test_sheet

    templates = [svc.store.resolve(cfg.templates.get(k) or cfg.template, k)
                 for k in ("poster", "season", "background", "titlecard")]
    data, report = test_sheet(templates, svc.context)
    out = ctx.rt.data_dir / "posters" / "test" / "testsheet.jpg"
    if not ctx.dry_run:
        atomic_write_bytes(out, data)
    ctx.result.count("truncated", sum(1 for r in report if r["truncated"]))
    ctx.result.count("writes", 0 if ctx.dry_run else 1)
    ctx.result.set_data("test_sheet", str(out))
    ctx.result.set_data("report", report)


# ---- server art ----------------------------------------------------------------------------------------

def run_backup(ctx, cfg, module, servers, backup_root: Path) -> None:
    for name, _type, client in servers:
        for item in iter_server(client, name, exclude=cfg.exclude_libraries):
            ctx.check_cancelled()
            for spec in module.specs_for(cfg, item):
                try:
                    data = client.artwork(spec.server_id, spec.server_image or "poster")
                except NotFound:
                    ctx.result.count("missing")
                    continue
                except ConnectorError as exc:
                    ctx.result.count("errors")
                    ctx.result.error_item(spec.key, str(exc))
                    continue
                if not ctx.dry_run:
                    atomic_write_bytes(resolve(backup_root, spec.key), data)
                ctx.result.count("backed_up")
                ctx.progress(0, 0, item=spec.key, phase="backup")


def _index(items) -> dict:
    """Lookup by (library, kind, provider, id) and — because users rarely name libraries the same on
    both servers (a Posterizarr pain point) — by (None, kind, provider, id) as a fallback."""
    out = {}
    for item in items:
        for provider, value in item.ids.items():
            out[(item.library.lower(), item.kind, provider, str(value))] = item
            out.setdefault((None, item.kind, provider, str(value)), item)
    return out


def _match(index: dict, item):
    for library in (item.library.lower(), None):
        for provider, value in item.ids.items():
            found = index.get((library, item.kind, provider, str(value)))
            if found is not None:
                return found
    return None


def run_sync(ctx, cfg, module, servers) -> None:
    """The sync source's art (Plex) → every other server (Jellyfin/Emby); items matched by provider id
    (same library name first)."""
    sources = [s for s in servers if Capability.SYNC_SOURCE in s[2].capabilities]
    targets = [s for s in servers if Capability.SYNC_SOURCE not in s[2].capabilities]
    if not sources or not targets:
        raise ModuleError("sync needs a Plex instance and at least one Jellyfin or Emby instance")
    src_name, _t, src = sources[0]
    source_items = list(iter_server(src, src_name, exclude=cfg.exclude_libraries))
    for tname, _ttype, tclient in targets:
        index = _index(iter_server(tclient, tname, exclude=cfg.exclude_libraries))
        for item in source_items:
            ctx.check_cancelled()
            match = _match(index, item)
            if match is None:
                ctx.result.count("unmatched")
                continue
            pairs = list(zip(module.specs_for(cfg, item), module.specs_for(cfg, match)))
            for src_spec, dst_spec in pairs:
                if src_spec.key != dst_spec.key and (src_spec.kind, src_spec.season, src_spec.episode) != \
                        (dst_spec.kind, dst_spec.season, dst_spec.episode):
                    continue
                slot = src_spec.server_image or "poster"
                try:
                    data = src.artwork(src_spec.server_id, slot)
                    try:
                        current = tclient.artwork(dst_spec.server_id, slot)
                    except NotFound:
                        current = b""
                    if hashlib.sha256(current).digest() == hashlib.sha256(data).digest():
                        ctx.result.count("in_sync")
                        continue
                    if not ctx.dry_run:
                        tclient.upload_artwork(dst_spec.server_id, slot, data)
                    ctx.result.count("synced")
                except NotFound:
                    ctx.result.count("missing")
                except ConnectorError as exc:
                    ctx.result.count("errors")
                    ctx.result.error_item(f"{tname}:{dst_spec.key}", str(exc))


def run_reset(ctx, cfg, servers) -> None:
    """Servers that keep their posters (Plex): re-select the first poster offered for every item of one
    library."""
    library = str(ctx.overrides.get("library") or "")
    if not library:
        raise ModuleError("poster reset needs a library name")
    selectable = [s for s in servers if Capability.POSTER_SELECT in s[2].capabilities]
    if not selectable:
        raise ModuleError("poster reset works on Plex only")
    found = False
    for name, _type, client in selectable:
        for item in iter_server(client, name, only=[library]):
            found = True
            keys = [item.server_id] + [s.server_id for s in item.seasons] + [e.server_id for e in item.episodes]
            for key in keys:
                ctx.check_cancelled()
                try:
                    images = client.poster_choices(key)
                    if images and not ctx.dry_run:
                        client.select_poster(key, images[0])
                    ctx.result.count("reset")
                except ConnectorError as exc:
                    ctx.result.count("errors")
                    ctx.result.error_item(key, str(exc))
    if not found:
        raise ModuleError(f"no Plex library called {library!r}")
