"""Simulated grabs: a search that finds a release puts its download in the *arr's queue.

The queue record has the fields of the real ``QueueResource`` (contracts) and a deterministic
custom-format score, so upgradinatorr's queue report has something real to read. Radarr, Sonarr and
Lidarr call :func:`grab` when a search command completes.
"""

from __future__ import annotations

from typing import Any

from curatarr.sims.arr_resources import QUALITIES, compact, now_iso, quality_model


def grab(sim: Any, ids: dict[str, Any], release: str, seed: int, quality: str = "WEBDL-2160p") -> dict[str, Any]:
    """Queue ``release`` for the item(s) in ``ids`` (``movieId`` / ``seriesId`` + ``seasonNumber`` /
    ``artistId`` + ``albumId``); ``seed`` picks the custom-format score."""
    score = (seed * 37) % 160 - 30
    stamp = now_iso()
    with sim.lock:
        record = compact({
            "id": max((q["id"] for q in sim.queue), default=0) + 1, **ids,
            "quality": quality_model(quality, sim.service) if quality in QUALITIES else None,
            "customFormats": [{"id": 1, "name": "HDR"}] if score > 50 else [],
            "customFormatScore": score, "size": 4_000_000_000, "sizeleft": 3_000_000_000,
            "title": release, "timeleft": "00:10:00", "estimatedCompletionTime": stamp, "added": stamp,
            "status": "downloading", "trackedDownloadStatus": "ok", "trackedDownloadState": "downloading",
            "statusMessages": [], "downloadId": f"SIM{seed:08d}", "protocol": "torrent",
            "downloadClient": "qBittorrent", "indexer": "SimIndexer", "outputPath": "",
            "downloadClientHasPostImportCategory": False,
        })
        sim.queue.append(record)
    sim.sim.record("grabs", **ids, title=release, custom_format_score=score)
    return record
