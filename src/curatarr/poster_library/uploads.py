"""Uploading the renamer's posters to media servers (``instances`` entries with ``add_posters``),
through the media-server interface.

Hash check: ``poster_uploads`` (shared with the poster maker) remembers the sha256 of what we last
put into each server slot; a slot that already holds these bytes is skipped. Where the server
carries Kometa's ``Overlay`` label (``Capability.OVERLAY_LABEL``), a fresh poster removes it so
Kometa puts its overlays back on the new art.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from curatarr.connectors.errors import ConnectorError
from curatarr.connectors.media_server import Capability, MediaServer
from curatarr.poster_library.renamer import Planned, file_sha256
from curatarr.posters import choices

CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


@dataclass
class UploadReport:
    uploaded: int = 0
    skipped_same: int = 0
    planned: int = 0
    labels_removed: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def upload_posters(db, plans: list[Planned], destination: Path, clients: dict[str, MediaServer], *, dry_run: bool,
                   check_cancelled: Callable[[], None]) -> UploadReport:
    rep = UploadReport()
    sent = choices.uploads(db)
    seasons: dict[tuple[str, str], dict[int, str]] = {}
    for plan in plans:
        check_cancelled()
        target = destination / plan.relpath
        for server, item_id in plan.place.on_servers:
            client = clients.get(server)
            if client is None:
                continue
            try:
                if plan.season is not None:
                    key = (server, item_id)
                    if key not in seasons:
                        seasons[key] = {s.index: s.id for s in client.show_seasons(item_id) if s.index is not None}
                    slot_id = seasons[key].get(plan.season)
                    if slot_id is None:
                        rep.warnings.append(f"{server}: {plan.place.title} has no season {plan.season}; not uploaded")
                        continue
                else:
                    slot_id = item_id
                if dry_run:
                    rep.planned += 1
                    continue
                digest = file_sha256(target)
                if sent.get((server, slot_id, "poster")) == digest:
                    rep.skipped_same += 1
                    continue
                client.upload_artwork(slot_id, "poster", target.read_bytes(),
                                      content_type=CONTENT_TYPES.get(target.suffix.lower(), "image/jpeg"))
                choices.record_upload(db, server, slot_id, "poster", plan.relpath, digest)
                rep.uploaded += 1
                if Capability.OVERLAY_LABEL in client.capabilities:
                    labels = client.media_item(slot_id).labels
                    if any(lbl.lower() == "overlay" for lbl in labels):
                        client.remove_labels(slot_id, ["Overlay"])
                        rep.labels_removed += 1
            except (ConnectorError, OSError) as exc:
                rep.errors.append((f"{server}: {plan.place.title}", str(exc)))
    return rep
