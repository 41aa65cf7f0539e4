"""Issue #20, item 12: deleting an instance removes its media from the cache — search, the search
index, duplicate groups and the sync state — and a restart cleans up instances removed by hand."""

from __future__ import annotations

from sqlalchemy import func, select

from curatarr.db.models.library import MediaItem, MediaSyncState


def cached(rt, instance: str) -> int:
    with rt.db.session() as s:
        return s.scalar(select(func.count()).select_from(MediaItem).where(MediaItem.instance == instance))


def duplicate_instances(c) -> set[str]:
    groups = c.get("/api/media/duplicates", params={"similarity": 1.0, "type": "movie", "limit": 1000}).json()
    return {m["instance"] for g in groups["duplicates"] for m in g["members"]}


def test_deleting_an_instance_removes_its_media_everywhere(media_client):
    c, rt = media_client, media_client.rt
    assert cached(rt, "radarr_4k") > 0
    assert c.get("/api/media/search", params={"instance": "radarr_4k"}).json()["total"] > 0
    assert "radarr_4k" in duplicate_instances(c)

    r = c.delete("/api/instances/radarr_4k", params={"force": "true"})
    assert r.status_code == 200, r.text

    assert cached(rt, "radarr_4k") == 0
    assert c.get("/api/media/search", params={"instance": "radarr_4k"}).json()["total"] == 0
    assert c.get("/api/media/search", params={"query": "a"}).json()["items"]  # the rest is still there
    assert all(i["instance"] != "radarr_4k" for i in c.get("/api/media/search", params={"limit": 500}).json()["items"])
    assert "radarr_4k" not in duplicate_instances(c)
    with rt.db.session() as s:
        assert s.get(MediaSyncState, "radarr_4k") is None
    assert cached(rt, "radarr") > 0


def test_an_instance_removed_while_stopped_is_cleaned_up_at_start(synced, runtime):
    from curatarr.library.retire import hooks

    assert cached(runtime, "sonarr") > 0
    # Removed while no server ran (no listener saw it): the next start removes what no instance names.
    instance_type = next(t for t, named in runtime.config.get_section("instances").items() if "sonarr" in named)
    runtime.config.delete_key("instances", instance_type, "sonarr")
    names = {n for named in runtime.config.get_section("instances").values() for n in named}
    assert "sonarr" not in names
    hooks.start(runtime)
    assert cached(runtime, "sonarr") == 0
    assert cached(runtime, "radarr") > 0
