"""Uploading assets back to the server an item came from (Posterizarr §1.8 step 7, §1.9).

* ``upload``: the assets rendered this run, when the file differs from what we last uploaded into
  that server slot (``poster_uploads``).
* ``upload_existing_assets``: also the assets already in the folder and not rendered this run
  (made by an earlier run, by Posterizarr or by hand) — each pushed only when the server's current
  image carries no tool marker (Kometa/TCM/PPM/Posterizarr/us), unless ``disable_hash_validation``;
  hash-checked the same way, so nothing is uploaded twice.
* ``replace_thumb_with_backdrop`` (Jellyfin/Emby): a Backdrop upload also sets ``Thumb``.

The connector sends the bytes its server's way (``MediaServer.upload_artwork``). Where the server
carries Kometa's ``Overlay`` label (``Capability.OVERLAY_LABEL``), a poster upload removes it so
Kometa re-applies its overlays on the fresh poster.
"""

from __future__ import annotations

from pathlib import Path
from curatarr.connectors.errors import ConnectorError, NotFound
from curatarr.connectors.media_server import Capability, MediaServer
from curatarr.posters import choices as store
from curatarr.posters.markers import tool_marker
from curatarr.posters.plan import needs_upload
from curatarr.posters.writer import file_sha256


def _server_marker(client: MediaServer, server_id: str, slot: str) -> str | None:
    """The tool marker on the server's current image (None when it has none, or no image at all)."""
    try:
        return tool_marker(client.artwork(server_id, slot))
    except NotFound:
        return None


def upload_assets(ctx, cfg, root: Path, specs, servers: dict[str, MediaServer], rendered: set[str]) -> None:
    """Upload what needs uploading (hash-checked per server slot)."""
    sent = store.uploads(ctx.rt.db)
    rows = store.load_assets(ctx.rt.db)
    existing = bool(getattr(cfg, "upload_existing_assets", False))
    for spec, item in specs:
        if not spec.server_id or item.server not in servers:
            continue
        fresh = spec.key in rendered
        if not ((fresh and cfg.upload) or (existing and not fresh)):
            continue
        slot = (item.server, spec.server_id, spec.server_image or "poster")
        stored_hash = (rows.get(spec.key) or {}).get("file_hash")
        if stored_hash and not needs_upload(stored_hash, sent.get(slot)):
            continue  # the server has this file from us: decided without touching the disk
        path = root / spec.key
        if not path.is_file():
            continue
        file_hash = stored_hash or file_sha256(path)
        if not needs_upload(file_hash, sent.get(slot)):
            continue
        client = servers[item.server]
        try:
            if not fresh and not cfg.disable_hash_validation:
                marker = _server_marker(client, spec.server_id, slot[2])
                if marker is not None:
                    ctx.result.count("upload_skipped_marker")
                    ctx.log.info("not uploading %s: the server's image carries %r", spec.key, marker)
                    continue
            client.upload_artwork(spec.server_id, slot[2], path.read_bytes(), content_type="image/jpeg",
                                  thumb_too=bool(getattr(cfg, "replace_thumb_with_backdrop", False)))
        except ConnectorError as exc:
            ctx.result.count("errors")
            ctx.result.error_item(spec.key, f"upload to {item.server} failed: {exc}")
            continue
        store.record_upload(ctx.rt.db, *slot, spec.key, file_hash)
        ctx.result.count("uploads")
        if (Capability.OVERLAY_LABEL in client.capabilities and spec.kind == "poster"
                and any(lbl.lower() == "overlay" for lbl in item.labels)):
            # Kometa marks items whose poster carries its overlays with the "Overlay" label; a
            # fresh poster has none, so the label goes and Kometa re-applies them on its next run.
            try:
                client.remove_labels(spec.server_id, ["Overlay"])
                ctx.result.count("overlay_labels_removed")
            except ConnectorError as exc:
                ctx.result.warn(f"could not remove the Overlay label of {item.title}: {exc}")
