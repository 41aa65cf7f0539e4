"""The preview routes: options, render (asset folder, a named file, built-in samples), the file by
token, the calendar; bad input answers 4xx and nothing is written."""

from __future__ import annotations

import io

import pyvips
import pytest

from tests.borders.conftest import BORDER, snapshot, write_poster


@pytest.fixture
def configured(client, tmp_path):
    rt = client.app.state.runtime
    assets = tmp_path / "assets"
    write_poster(assets / "Alien (1979) {tmdb-348}" / "poster.png")
    write_poster(assets / "Dexter (2006)" / "Season02.png", width=400, height=600)
    rt.config.update({"border_replacerr": {
        "source_dirs": [str(assets)], "border_width": BORDER, "border_colors": ["#ff0000", "#0000ff"],
        "holidays": [{"name": "Halloween", "schedule": "range(10/01-10/31)", "colors": ["#ff7518"]},
                     {"name": "Winter", "schedule": "range(12/20-01/05)", "colors": ["#ffffff"]}]}})
    return assets


def image(data: bytes) -> pyvips.Image:
    return pyvips.Image.new_from_buffer(data, "")


def test_options_list_default_current_and_each_holiday(client, configured):
    r = client.get("/api/border-replacerr/preview/options")
    assert r.status_code == 200
    values = [o["value"] for o in r.json()]
    assert values == ["default", "current", "Halloween", "Winter"]
    assert r.json()[2]["colors"] == ["#ff7518"]


def test_preview_from_the_asset_folder_and_file_by_token(client, configured):
    before = snapshot(configured)
    r = client.post("/api/border-replacerr/preview?count=6&holiday=default")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] is True  # CHUB's envelope
    previews = body["previews"]
    assert [p["title"] for p in previews] == ["Alien (1979)", "Dexter (2006)"]
    assert [p["color"] for p in previews] == ["#ff0000", "#0000ff"]
    assert previews[1]["kind"] == "season" and previews[1]["season_number"] == 2
    assert (previews[1]["width"], previews[1]["height"]) == (400, 600)
    f = client.get(f"/api/border-replacerr/preview/file/{previews[0]['token']}.jpg")
    assert f.status_code == 200 and f.headers["content-type"] == "image/jpeg"
    composite = image(f.content)
    half = (composite.width - 16) // 2
    left, right = composite.crop(0, 0, half, composite.height), composite.crop(half + 16, 0, half, composite.height)
    assert [round(v) for v in left(2, 2)][:3] == [255, 255, 255] or min(left(2, 2)[:3]) > 235  # before: white
    r0 = [round(v) for v in right(2, 2)][:3]
    assert r0[0] > 230 and r0[1] < 30 and r0[2] < 30  # after: red
    assert snapshot(configured) == before  # the preview writes nothing


def test_preview_of_one_named_file_with_given_colours(client, configured):
    path = configured / "Alien (1979) {tmdb-348}" / "poster.png"
    r = client.post("/api/border-replacerr/preview", json={"path": str(path), "colors": ["#0f0"], "width": 30})
    assert r.status_code == 200, r.text
    [p] = r.json()["previews"]
    assert p["color"] == "#00ff00" and r.json()["border_width"] == 30


def test_built_in_samples_when_the_folder_is_empty(client):
    r = client.post("/api/border-replacerr/preview?count=3", json={"colors": ["#123456"]})
    assert r.status_code == 200, r.text
    previews = r.json()["previews"]
    assert len(previews) == 3 and all(p["source"] == "built-in sample" for p in previews)
    f = client.get(previews[2]["url"])
    assert f.status_code == 200 and image(f.content).width > 0


def test_holiday_preview_and_calendar(client, configured):
    r = client.post("/api/border-replacerr/preview?holiday=Halloween&count=1")
    assert r.json()["previews"][0]["color"] == "#ff7518" and r.json()["holiday"] == "Halloween"
    cal = client.get("/api/border-replacerr/holidays?as_of=2027-01-03").json()
    assert cal["active"] == "Winter" and cal["colors"] == ["#ffffff"]
    winter = next(h for h in cal["holidays"] if h["name"] == "Winter")
    assert (winter["start"], winter["end"], winter["in_range"]) == ("2026-12-20", "2027-01-05", True)
    assert len(cal["presets"]) == 10


@pytest.mark.parametrize("url, body, status", [
    ("/api/border-replacerr/preview", {"colors": ["#12345"]}, 422),
    ("/api/border-replacerr/preview", {"width": 0}, 422),
    ("/api/border-replacerr/preview", {"bogus": 1}, 422),
    ("/api/border-replacerr/preview?holiday=Easter", None, 400),
    ("/api/border-replacerr/preview", {"path": "/etc/passwd"}, 403),
])
def test_bad_preview_input_is_4xx(client, configured, url, body, status):
    r = client.post(url, json=body)
    assert r.status_code == status, r.text
    assert r.json()["detail"]


def test_a_named_file_that_is_not_an_image(client, configured):
    bad = configured / "notes.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"broken")
    r = client.post("/api/border-replacerr/preview", json={"path": str(bad)})
    assert r.status_code == 400 and "corrupt" in r.json()["detail"]
    assert bad.exists()


@pytest.mark.parametrize("name", ["0" * 32 + ".jpg", "not-a-token.jpg", "../x.jpg", "a" * 32 + ".png"])
def test_unknown_tokens_are_404(client, name):
    assert client.get(f"/api/border-replacerr/preview/file/{name}").status_code == 404


def test_broken_holiday_settings_are_refused_clearly(client):
    # B lies wholly inside A, listed before it, so B could never be active: refused when saved (the
    # config store validates module sections), never stored to fail later.
    section = {"holidays": [{"name": "A", "schedule": "range(01/01-01/31)", "colors": ["#fff"]},
                            {"name": "B", "schedule": "range(01/02-01/03)", "colors": ["#000"]}]}
    r = client.put("/api/modules/border_replacerr/config", json=section)
    assert r.status_code == 422, r.text
    assert "never active" in r.text
    assert client.get("/api/border-replacerr/preview/options").status_code == 200


def test_a_truncated_jpeg_is_a_400_not_a_500(client, configured):
    from tests.borders.conftest import poster_bytes

    data = poster_bytes(2000, 3000, fmt="jpeg")
    cut = configured / "Cut (2001)" / "poster.jpg"
    cut.parent.mkdir()
    cut.write_bytes(data[: len(data) // 2])
    r = client.post("/api/border-replacerr/preview", json={"path": str(cut)})
    assert r.status_code == 400, r.text
    assert "corrupt" in r.json()["detail"]


@pytest.mark.parametrize("section, message", [
    ({"border_colors": ["#ff00"]}, "hex colour"),
    ({"holidays": [{"name": "X", "schedule": "range(04/31-05/02)", "colors": ["#fff"]}]}, "04/31"),
    ({"holidays": [{"name": "Xmas", "schedule": "range(12/01-12/31)", "colors": ["#fff"]},
                   {"name": "Eve", "schedule": "12/24-12/24", "colors": ["#000"]}]}, "never active"),
    ({"border_width": 0}, "border_width"),
])
def test_saving_bad_settings_is_a_422_and_changes_nothing(client, configured, section, message):
    rt = client.app.state.runtime
    before = rt.config.get_section("border_replacerr")
    r = client.put("/api/modules/border_replacerr/config", json={**before, **section})
    assert r.status_code == 422, r.text
    assert message in r.text
    assert rt.config.get_section("border_replacerr") == before
