"""upgradinatorr against the Radarr/Sonarr/Lidarr simulators (real HTTP), checked through the sims'
recorded commands, tag changes and the *arr API."""

from __future__ import annotations

import httpx

from tests.arr_upkeep.conftest import arr_get, run, tag_id

FAST = {"poll_seconds": 0.05}


def eligible_movies(sims) -> list[int]:
    return sorted(m["id"] for m in arr_get(sims, "radarr", "/movie") if m["monitored"] and m["status"] == "released")


def arr_send(sims, kind: str, method: str, path: str, body):
    base = "/api/v1" if kind == "lidarr" else "/api/v3"
    r = httpx.request(method, sims.urls[kind] + base + path, json=body, headers={"X-Api-Key": sims.api_keys[kind]},
                      timeout=10)
    r.raise_for_status()
    return r.json() if r.content else None


def searched_movie_ids(sims) -> list[int]:
    return [i for c in sims.sims["radarr"].events("commands") if c["name"] == "MoviesSearch" for i in c["body"]["movieIds"]]


def test_dry_run_reports_and_changes_nothing(rt, sims):
    job = run(rt, "upgradinatorr", dry_run=True, instances_list=[{"instance": "radarr", "count": 4}], **FAST)
    assert job["status"] == "success"
    assert job["result"]["counts"]["to_search"] == 4
    assert [s["status"] for s in job["result"]["data"]["searched"]] == ["would search"] * 4
    radarr = sims.sims["radarr"]
    assert radarr.events("commands") == []
    assert radarr.find_requests("/api/v3/tag", method="POST") == []
    assert radarr.find_requests("/editor", method="PUT") == []
    assert tag_id(sims, "radarr", "checked") is None


def test_searches_tags_reports_queue_and_next_run_moves_on(rt, sims):
    eligible = eligible_movies(sims)
    first = run(rt, "upgradinatorr", instances_list=[{"instance": "radarr", "count": 3}], **FAST)
    assert first["status"] == "success", first["result"]
    searched = searched_movie_ids(sims)
    assert searched == eligible[:3]                     # one MoviesSearch per movie, in library order
    checked = tag_id(sims, "radarr", "checked")
    assert checked is not None
    tagged = sorted(m["id"] for m in arr_get(sims, "radarr", "/movie") if checked in m["tags"])
    assert tagged == eligible[:3]
    # Every command was polled to completion before the item was tagged.
    results = sims.sims["radarr"].events("command_results")
    assert [r["status"] for r in results] == ["completed"] * 3
    queue = first["result"]["data"]["queue"]
    assert sorted(q["item_id"] for q in queue) == eligible[:3]
    live = {q["movieId"]: q["customFormatScore"] for q in arr_get(sims, "radarr", "/queue", pageSize=100)["records"]}
    assert all(q["custom_format_score"] == live[q["item_id"]] for q in queue)
    summary = first["result"]["data"]["instances"][0]
    assert summary["remaining"] == len(eligible) - 3 and summary["already_checked"] == 0

    second = run(rt, "upgradinatorr", instances_list=[{"instance": "radarr", "count": 3}], **FAST)
    assert searched_movie_ids(sims) == eligible[:6]      # tagged ones skipped: the tag filter works by id
    assert second["result"]["counts"]["skipped_checked"] == 3


def test_ignore_tag_filters_and_missing_ignore_tag_is_reported(rt, sims):
    eligible = eligible_movies(sims)
    ignore = arr_send(sims, "radarr", "POST", "/tag", {"label": "no-upgrade"})["id"]
    arr_send(sims, "radarr", "PUT", "/movie/editor", {"movieIds": eligible[:2], "tags": [ignore], "applyTags": "add"})
    job = run(rt, "upgradinatorr", instances_list=[{"instance": "radarr", "count": 2, "ignore_tag": "No Upgrade"}],
              **FAST)
    assert searched_movie_ids(sims) == eligible[2:4]
    assert job["result"]["counts"]["skipped_ignored"] == 2

    other = run(rt, "upgradinatorr", instances_list=[{"instance": "radarr", "count": 1, "ignore_tag": "nope"}], **FAST)
    assert any("ignore tag 'nope' does not exist" in w for w in other["result"]["warnings"])


def test_unattended_resets_when_everything_is_checked(rt, sims):
    eligible = eligible_movies(sims)
    settings = {"instance": "radarr", "count": 10_000, "unattended": True}
    run(rt, "upgradinatorr", instances_list=[settings], **FAST)
    checked = tag_id(sims, "radarr", "checked")
    assert sorted(m["id"] for m in arr_get(sims, "radarr", "/movie") if checked in m["tags"]) == eligible
    before = len(searched_movie_ids(sims))

    again = run(rt, "upgradinatorr", instances_list=[settings], **FAST)
    assert again["status"] == "success"
    assert again["result"]["counts"]["resets"] == 1
    removals = [c for c in sims.sims["radarr"].events("tag_changes")
                if c["action"] == "apply" and checked in c["before"] and checked not in c["after"]]
    assert len(removals) >= len(eligible)                 # the tag came off every checked movie
    assert searched_movie_ids(sims)[before:] == eligible  # and the cycle started over
    assert sorted(m["id"] for m in arr_get(sims, "radarr", "/movie") if checked in m["tags"]) == eligible


def test_sonarr_season_threshold_and_season_searches(rt, sims):
    shows = [s for s in arr_get(sims, "sonarr", "/series") if s["monitored"] and s["status"] in ("continuing", "ended")]
    show = shows[0]
    episodes = [e for e in arr_get(sims, "sonarr", "/episode", seriesId=show["id"]) if e["seasonNumber"] > 0]
    seasons = sorted({e["seasonNumber"] for e in episodes})
    first_season = [e["id"] for e in episodes if e["seasonNumber"] == seasons[0]]
    assert len(first_season) > 1
    # Leave one episode of the first season monitored: below a 60 % threshold.
    arr_send(sims, "sonarr", "PUT", "/episode/monitor", {"episodeIds": first_season[1:], "monitored": False})
    job = run(rt, "upgradinatorr", instances_list=[{"instance": "sonarr", "count": 1, "season_monitored_threshold": 60}],
              **FAST)
    searches = [c["body"] for c in sims.sims["sonarr"].events("commands") if c["name"] == "SeasonSearch"]
    assert (show["id"], seasons[0]) not in {(b["seriesId"], b["seasonNumber"]) for b in searches}
    if len(seasons) == 1:   # the show has nothing left to search: skipped, the next one is taken
        assert job["result"]["counts"]["skipped_below_threshold"] == 1
        assert searches and {b["seriesId"] for b in searches} == {shows[1]["id"]}
    else:
        assert sorted(b["seasonNumber"] for b in searches) == seasons[1:]

    # Without a threshold the same show's first season is searched.
    run(rt, "upgradinatorr", instances_list=[{"instance": "sonarr", "count": 1, "tag_name": "other"}], **FAST)
    searches = [c["body"] for c in sims.sims["sonarr"].events("commands") if c["name"] == "SeasonSearch"]
    assert (show["id"], seasons[0]) in {(b["seriesId"], b["seasonNumber"]) for b in searches}


def test_missing_mode_searches_the_wanted_episodes(rt, sims):
    wanted = arr_get(sims, "sonarr", "/wanted/missing", pageSize=1000, includeSeries="true")["records"]
    assert wanted, "the sample library has missing episodes"
    job = run(rt, "upgradinatorr", instances_list=[{"instance": "sonarr", "count": 1, "search_mode": "missing"}],
              page_size=10, **FAST)
    assert job["status"] == "success"
    commands = [c for c in sims.sims["sonarr"].events("commands") if c["name"] == "EpisodeSearch"]
    assert len(commands) == 1
    series_id = job["result"]["data"]["searched"][0]["id"]
    assert sorted(commands[0]["body"]["episodeIds"]) == sorted(e["id"] for e in wanted if e["seriesId"] == series_id)
    # Read page by page (10 a page): more than one page request.
    assert len(sims.sims["sonarr"].find_requests("/api/v3/wanted/missing", method="GET")) >= 2


def test_lidarr_upgrade_searches_monitored_albums(rt, sims):
    run(rt, "upgradinatorr", instances_list=[{"instance": "lidarr", "count": 1}], **FAST)
    commands = [c for c in sims.sims["lidarr"].events("commands") if c["name"] == "AlbumSearch"]
    assert len(commands) == 1
    artist = next(a for a in arr_get(sims, "lidarr", "/artist") if a["monitored"] and a["status"] in ("continuing", "ended"))
    albums = arr_get(sims, "lidarr", "/album", artistId=artist["id"])
    assert sorted(commands[0]["body"]["albumIds"]) == sorted(a["id"] for a in albums if a["monitored"])


def test_command_timeout_is_an_error_and_leaves_the_item_untagged(rt, sims):
    sims.apps["radarr"].state.arr.polls_to_complete = 1000
    job = run(rt, "upgradinatorr", instances_list=[{"instance": "radarr", "count": 1}], command_timeout=0.3,
              poll_seconds=0.05)
    assert job["result"]["counts"]["search_failures"] == 1
    assert "still" in job["result"]["errors"][0]["message"]
    checked = tag_id(sims, "radarr", "checked")
    assert not any(checked in m["tags"] for m in arr_get(sims, "radarr", "/movie"))


def test_unknown_instance_is_an_error(rt, sims):
    job = run(rt, "upgradinatorr", instances_list=[{"instance": "radarr_nope"}], **FAST)
    assert job["status"] == "error"
    partly = run(rt, "upgradinatorr", instances_list=[{"instance": "radarr_nope"}, {"instance": "radarr", "count": 1}],
                 **FAST)
    assert any(e["item"] == "radarr_nope" and "not a configured" in e["message"] for e in partly["result"]["errors"])
    assert len(searched_movie_ids(sims)) == 1


def test_bad_settings_are_refused_before_the_run(rt, sims):
    import pytest

    from curatarr.errors import Invalid, Unprocessable
    from curatarr.jobs import module_runs

    with pytest.raises((Invalid, Unprocessable)):
        module_runs.start_run(rt, "upgradinatorr", {"instances_list": [{"instance": "radarr", "search_mode": "all"}]},
                              source="test", client=None)


def test_cancel_while_waiting_for_a_search_stops_the_run(rt, sims):
    sims.apps["radarr"].state.arr.polls_to_complete = 100_000
    job_id = rt.jobs.submit("upgradinatorr", overrides={"instances_list": [{"instance": "radarr", "count": 3}],
                                                        "command_timeout": 600, "poll_seconds": 0.05})
    radarr = sims.sims["radarr"]
    for _ in range(400):   # the first search was sent: the run is waiting on it
        if radarr.events("commands"):
            break
        rt.jobs.wait(job_id, 0.05)
    assert radarr.events("commands")
    rt.jobs.cancel(job_id)
    job = rt.jobs.wait(job_id, 30)
    assert job["status"] == "cancelled"
    assert len(radarr.events("commands")) == 1          # nothing was searched after the cancel
    checked = tag_id(sims, "radarr", "checked")
    assert not any(checked in m["tags"] for m in arr_get(sims, "radarr", "/movie"))
