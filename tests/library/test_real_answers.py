"""Answers that used to be shallow, each checked against its real source (issue 13, item 5):
the digest and cleanup counters, per-instance matched counts, the media servers' collections, and
CHUB's ``title`` on collection create."""

from __future__ import annotations

import struct
from datetime import timedelta

from sqlalchemy import update

from curatarr.artwork.encode import MARKER
from curatarr.db.base import utcnow
from curatarr.db.models.library import MediaItem
from curatarr.db.models.posters import PosterAsset


def _total(client, **params) -> int:
    r = client.get("/api/media/search", params={"limit": 1, **params})
    assert r.status_code == 200, r.text
    return r.json()["total"]


# ---- digest / cleanup candidates -------------------------------------------------------------------

def test_media_added_counts_cache_rows_created_in_the_window(media_client):
    c = media_client
    everything = c.get("/api/media/stats", params={"period": "all"}).json()["totals"]["total"]
    assert c.get("/api/system/digest", params={"days": 7}).json()["media_added"] == everything > 0
    older = _total(c, instance="radarr_4k")
    with c.rt.db.session() as s:  # radarr_4k's rows were created a month ago
        s.execute(update(MediaItem).where(MediaItem.instance == "radarr_4k")
                  .values(first_seen_at=utcnow() - timedelta(days=30)))
    assert c.get("/api/system/digest", params={"days": 7}).json()["media_added"] == everything - older
    assert c.get("/api/system/digest", params={"days": 31}).json()["media_added"] == everything


def test_unmatched_media_follows_the_library_matched_rule(media_client):
    c = media_client
    unmatched = c.get("/api/system/cleanup-candidates").json()["unmatched_media"]
    stats = c.get("/api/media/stats", params={"period": "all"}).json()["totals"]
    assert unmatched == stats["unmatched"] == _total(c, linked="false") > 0
    assert stats["matched"] == _total(c, linked="true") > 0


def _server_collections(client) -> list[dict]:
    r = client.get("/api/media/collections")
    assert r.status_code == 200, r.text
    return [x for x in r.json()["collections"] if x["source"] == "media_server"]


def test_media_server_collections_are_listed_with_the_user_ones(media_client):
    c = media_client
    ids = [i["id"] for i in c.get("/api/media/search", params={"limit": 2}).json()["items"]]
    r = c.post("/api/media/collections", json={"title": "Chub Style", "instance_name": "plex", "media_ids": ids})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Chub Style" and r.json()["media_ids"] == sorted(ids)
    assert c.post("/api/media/collections", json={"title": ""}).status_code == 422

    body = c.get("/api/media/collections").json()
    assert body["errors"] == [] and body["total"] == len(body["collections"])
    assert [(x["name"], x["source"]) for x in body["collections"] if x["source"] == "user"] == [("Chub Style", "user")]
    servers = _server_collections(c)
    names = {m.collection.name for m in c.sims.library.movies if m.collection}
    by_instance: dict[str, set[str]] = {}
    for entry in servers:
        by_instance.setdefault(entry["instance"], set()).add(entry["title"])
        assert entry["id"] == f"{entry['instance']}:{entry['native_id']}" and entry["instance_name"] == entry["instance"]
    assert set(by_instance) == {"plex", "jellyfin"}
    assert by_instance["plex"] and by_instance["plex"] <= names       # Plex: one per collection tag
    assert by_instance["jellyfin"] and by_instance["jellyfin"] <= names  # Jellyfin: one BoxSet per collection
    assert all(e["library"] for e in servers if e["instance"] == "plex")  # Plex collections belong to a library


def test_unmatched_collections_are_server_collections_without_a_written_poster(media_client):
    c = media_client
    servers = _server_collections(c)
    assert c.get("/api/system/cleanup-candidates").json()["unmatched_collections"] == len(servers) > 0
    first = servers[0]
    with c.rt.db.session() as s:
        s.add(PosterAsset(asset_key=f"Collections/{first['title']}/poster.jpg", kind="collection", title=first["title"],
                          server=first["instance"], server_id=first["native_id"], status="written"))
    assert c.get("/api/system/cleanup-candidates").json()["unmatched_collections"] == len(servers) - 1


def test_an_unreadable_media_server_makes_collection_counts_null_not_zero(media_client):
    c = media_client
    cfg = c.rt.config.as_dict()["instances"]
    plex = cfg["plex"]["plex"]
    c.rt.config.update({"instances": {"plex": {"plex_bad": {"url": plex["url"], "api": "wrong-token", "enabled": True}}}})
    body = c.get("/api/media/collections").json()
    assert [e["instance"] for e in body["errors"]] == ["plex_bad"]
    assert {e["instance"] for e in body["collections"] if e["source"] == "media_server"} == {"plex", "jellyfin"}
    assert c.get("/api/system/cleanup-candidates").json()["unmatched_collections"] is None


def _ours(size: int = 64) -> bytes:
    """A JPEG-looking file carrying our provenance marker in a COM segment (what the encoder writes)."""
    comment = MARKER.encode()
    return b"\xff\xd8\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + b"\x00" * size + b"\xff\xd9"


def test_orphaned_posters_are_our_asset_files_no_record_needs(client, runtime):
    root = runtime.data_dir / "posters" / "assets"
    assert client.get("/api/system/cleanup-candidates").json()["orphaned_posters"] == 0  # no asset folder yet
    for rel, data in (("Movies/Gone (2000)/poster.jpg", _ours()), ("Movies/Kept (2001)/poster.jpg", _ours()),
                      ("Movies/Foreign (2002)/poster.jpg", b"\xff\xd8 someone else's file \xff\xd9")):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    with runtime.db.session() as s:
        s.add(PosterAsset(asset_key="Movies/Kept (2001)/poster.jpg", kind="poster", title="Kept", status="written"))
    assert client.get("/api/system/cleanup-candidates").json()["orphaned_posters"] == 1
    assert client.get("/api/system/digest").json()["orphaned_posters"] == 1
    assert client.get("/api/webhooks/cleanarr/status").json()["orphaned_count"] == 1
    runtime.config.update({"poster_maker": {"asset_path": "/definitely/not/an/allowed/root"}})
    assert client.get("/api/system/cleanup-candidates").json()["orphaned_posters"] is None


# ---- instance stats --------------------------------------------------------------------------------

def test_instance_stats_take_matched_counts_from_the_cache(media_client):
    c = media_client
    stats = c.get("/api/instances/radarr/stats").json()
    assert stats["source"] == "cache" and stats["error"] is None
    assert stats["total_media"] == _total(c, instance="radarr") > 0
    assert stats["matched"] == _total(c, instance="radarr", linked="true") > 0
    assert stats["unmatched"] == stats["total_media"] - stats["matched"] == _total(c, instance="radarr", linked="false")
    plex = c.get("/api/instances/plex/stats").json()
    assert plex["source"] == "cache" and plex["total_media"] == _total(c, instance="plex", role="server")
    assert sum(plex["libraries"].values()) == plex["total_media"] and plex["matched"] + plex["unmatched"] == plex["total_media"]
    assert plex["matched"] == _total(c, instance="plex", role="server", linked="true")
