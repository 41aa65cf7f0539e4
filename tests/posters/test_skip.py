"""POST /api/assets/skip: the skip label/tag goes onto the item's movie/show on its server (Plex label,
Jellyfin/Emby tag through the full-item update), the rows are hidden, the next run skips the item;
``skip: false`` undoes both; an unreachable server changes nothing (502)."""

from __future__ import annotations

import socket

import httpx
import pytest

from tests.posters.conftest import configure, run

LABEL = "skip_posterizarr"


def _rows(runtime) -> list[dict]:
    from sqlalchemy import select

    from curatarr.db.models.posters import PosterAsset
    from curatarr.posters.choices import row_dict

    with runtime.db.session() as s:
        return [row_dict(r) for r in s.execute(select(PosterAsset)).scalars()]


def _resolved_ids(client) -> set[int]:
    return {a["id"] for a in client.get("/api/assets/overview").json()["categories"]["resolved"]["assets"]}


def _row(runtime, folder: str, kind: str) -> dict:
    return next(r for r in _rows(runtime) if r["Rootfolder"] == folder and r["kind"] == kind)


def test_plex_skip_labels_the_show_hides_its_rows_and_the_next_run_skips_it(client, runtime, sims):
    configure(runtime, sims)
    run(runtime)
    show = sims.library.shows[0]
    season_row = _row(runtime, show.folder_name, "season")
    r = client.post("/api/assets/skip", json={"id": season_row["id"]})
    assert r.status_code == 200, r.text
    body = r.json()
    # the label is on the show (seasons carry no skip label), and every row of the show is hidden
    assert body["server"] == "plex" and body["server_item"] == str(show.plex_rating_key) and body["label"] == LABEL
    changes = sims.sim("plex").events("tag_changes")
    assert [(c["rating_key"], c["added"]) for c in changes] == [(show.plex_rating_key, [LABEL])]
    show_rows = {x["id"] for x in _rows(runtime) if x["Rootfolder"] == show.folder_name}
    assert body["rows"] == len(show_rows) > 1 and show_rows <= _resolved_ids(client)

    root = runtime.data_dir / "posters" / "assets"
    poster = root / "TV Shows" / show.folder_name / "poster.jpg"
    poster.unlink()
    again = run(runtime)
    assert again.counts.get("skipped_label") == 1 and not poster.exists()

    r = client.post("/api/assets/skip", json={"id": season_row["id"], "skip": False})
    assert r.status_code == 200 and r.json()["skipped"] is False
    assert LABEL not in sims.sim("plex").snapshot().get("labels", {}).get(str(show.plex_rating_key), [])
    assert not show_rows & _resolved_ids(client)
    third = run(runtime)
    assert poster.is_file() and not third.counts.get("skipped_label")


@pytest.mark.parametrize("server", ["jellyfin", "emby"])
def test_mediabrowser_skip_sets_the_tag_with_a_full_item_update(client, runtime, server):
    from tests.posters.conftest import serving, tiny_library

    with serving(tiny_library(), services=(server, "tmdb", "fanart", "tvdb")) as sims:
        configure(runtime, sims, servers=(server,))
        run(runtime)
        movie = sims.library.movies[0]
        row = _row(runtime, movie.folder_name, "poster")
        r = client.post("/api/assets/skip", json={"id": row["id"]})
        assert r.status_code == 200, r.text
        changes = sims.sim(server).events("tag_changes")
        assert len(changes) == 1 and changes[0]["added"] == [LABEL]
        posted = sims.sim(server).find_requests(f"/Items/{changes[0]['item_id']}", "POST")[-1].json()
        assert {"Name", "Genres", "ProviderIds", "Tags"} <= set(posted)  # the whole item went back
        assert row["id"] in _resolved_ids(client)
        poster = runtime.data_dir / "posters" / "assets" / "Movies" / movie.folder_name / "poster.jpg"
        poster.unlink()
        assert run(runtime).counts.get("skipped_label") == 1 and not poster.exists()
        r = client.post("/api/assets/skip", json={"id": row["id"], "skip": False})
        assert r.status_code == 200
        assert sims.sim(server).events("tag_changes")[-1]["removed"] == [LABEL]
        run(runtime)
        assert poster.is_file()


def test_jellyfin_sim_refuses_a_partial_item_update(sims):
    url = sims.servers["jellyfin"].url
    headers = {"Authorization": f'MediaBrowser Token="{sims.keys["jellyfin"]}"'}
    item_id = sims.library.movies[0].jellyfin_id
    r = httpx.post(f"{url}/Items/{item_id}", json={"Tags": [LABEL]}, headers=headers)
    assert r.status_code == 400 and "null" in r.json()["detail"]
    assert not sims.sim("jellyfin").events("tag_changes")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_is_a_502_and_nothing_is_hidden(client, runtime, sims):
    configure(runtime, sims)
    run(runtime)
    row = _row(runtime, sims.library.movies[0].folder_name, "poster")
    runtime.config.update({"instances": {"plex": {"plex": {"url": f"http://127.0.0.1:{_closed_port()}"}}}})
    r = client.post("/api/assets/skip", json={"id": row["id"]})
    assert r.status_code == 502, r.text
    assert "plex" in r.json()["detail"] and "not changed" in r.json()["detail"]
    assert row["id"] not in _resolved_ids(client)
    assert client.post("/api/assets/skip", json={"id": 10**6}).status_code == 404
    assert client.post("/api/assets/skip", json={"id": "x"}).status_code == 422
