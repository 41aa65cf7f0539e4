"""The Plex simulator's wire behaviour (contracts.md §6 and the §13 checklist), over real HTTP."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import httpx
import pytest
from lxml import etree

from curatarr.sims.library import SampleLibrary
from curatarr.sims.plex import create_app
from curatarr.sims.server import SimServer

TOKEN = "plex-test-token"


@pytest.fixture(scope="module")
def library() -> SampleLibrary:
    return SampleLibrary.demo()


@pytest.fixture(scope="module")
def server(library):
    app = create_app(library, token=TOKEN, instance="plex", section_titles={"movie": "Cinema"}, small_images=True)
    with SimServer(app, name="plex") as srv:
        yield srv


@pytest.fixture
def plex(server):
    server.sim.reset()
    with httpx.Client(base_url=server.url, headers={"X-Plex-Token": TOKEN}) as client:
        yield client


def xml(resp: httpx.Response):
    assert resp.status_code == 200, resp.text
    return etree.fromstring(resp.content)


def state(plex: httpx.Client) -> dict:
    return plex.get("/__sim__/state").json()


def first_movie(plex: httpx.Client):
    return xml(plex.get("/library/sections/1/all", params={"type": 1, "includeGuids": 1}))[0]


# ---- auth and formats --------------------------------------------------------------------------
def test_token_is_required_in_header_or_query(server):
    assert httpx.get(f"{server.url}/library/sections").status_code == 401
    assert httpx.get(f"{server.url}/library/sections", headers={"X-Plex-Token": "wrong"}).status_code == 401
    assert httpx.get(f"{server.url}/library/sections", params={"X-Plex-Token": TOKEN}).status_code == 200
    identity = httpx.get(f"{server.url}/identity")  # public, like the real /identity
    assert identity.status_code == 200 and etree.fromstring(identity.content).get("machineIdentifier")


def test_xml_by_default_and_json_on_request(plex):
    root = xml(plex.get("/library/sections"))
    assert root.tag == "MediaContainer"
    assert [d.get("title") for d in root] == ["Cinema", "TV Shows", "Music"]
    assert [d.get("type") for d in root] == ["movie", "show", "artist"]
    assert [loc.get("path") for loc in root[0].iter("Location")] == ["/data/movies", "/data/documentaries"]
    data = plex.get("/library/sections", headers={"Accept": "application/json"}).json()
    assert [d["title"] for d in data["MediaContainer"]["Directory"]] == ["Cinema", "TV Shows", "Music"]
    listing = plex.get("/library/sections/1/all", headers={"Accept": "application/json"}).json()["MediaContainer"]
    item = listing["Metadata"][0]  # library items go under "Metadata" in JSON
    assert isinstance(item["ratingKey"], str) and isinstance(item["year"], int)
    assert listing["totalSize"] == len(listing["Metadata"])


def test_server_root_has_what_plexapi_reads(plex):
    root = xml(plex.get("/"))
    assert root.get("friendlyName") == "plex" and root.get("machineIdentifier") and root.get("version")


# ---- listings ----------------------------------------------------------------------------------
def test_paging_with_headers_and_query(plex, library):
    on_disk = sum(1 for m in library.movies if m.has_file)
    page = xml(plex.get("/library/sections/1/all", headers={"X-Plex-Container-Start": "5",
                                                             "X-Plex-Container-Size": "7"}))
    assert (page.get("size"), page.get("totalSize"), page.get("offset")) == ("7", str(on_disk), "5")
    same = xml(plex.get("/library/sections/1/all", params={"X-Plex-Container-Start": 5, "X-Plex-Container-Size": 7}))
    assert [e.get("ratingKey") for e in page] == [e.get("ratingKey") for e in same]
    everything = xml(plex.get("/library/sections/1/all"))
    assert [e.get("ratingKey") for e in everything][5:12] == [e.get("ratingKey") for e in page]
    counted = xml(plex.get("/library/sections/1/all", headers={"X-Plex-Container-Size": "0"}))
    assert counted.get("size") == "0" and counted.get("totalSize") == str(on_disk)
    assert plex.get("/library/sections/1/all", headers={"X-Plex-Container-Start": "x"}).status_code == 400


def test_only_items_on_disk_are_listed(plex, library):
    keys = {e.get("ratingKey") for e in xml(plex.get("/library/sections/1/all"))}
    for movie in library.movies:
        assert (str(movie.plex_rating_key) in keys) == movie.has_file
    episodes = xml(plex.get("/library/sections/2/all", params={"type": 4}))
    expected = sum(1 for s in library.shows for e in s.episodes() if e.has_file)
    assert episodes.get("totalSize") == str(expected) and all(e.get("type") == "episode" for e in episodes)


def test_type_filters_in_a_show_section(plex):
    shows = xml(plex.get("/library/sections/2/all", params={"type": 2}))
    seasons = xml(plex.get("/library/sections/2/all", params={"type": 3}))
    assert {e.get("type") for e in shows} == {"show"} and {e.get("type") for e in seasons} == {"season"}
    assert int(seasons.get("totalSize")) > int(shows.get("totalSize"))
    assert xml(plex.get("/library/sections/1/all", params={"type": 2})).get("totalSize") == "0"


def test_include_guids_controls_guid_children(plex):
    without = xml(plex.get("/library/sections/1/all", params={"type": 1}))
    with_guids = xml(plex.get("/library/sections/1/all", params={"type": 1, "includeGuids": 1}))
    assert not list(without.iter("Guid"))
    ids = [g.get("id") for g in with_guids[0].iter("Guid")]
    assert any(i.startswith("tmdb://") for i in ids) and with_guids[0].get("guid").startswith("plex://movie/")


def test_some_items_use_legacy_agents(plex):
    movies = xml(plex.get("/library/sections/1/all", params={"includeGuids": 1}))
    legacy = [m for m in movies if m.get("guid").startswith("com.plexapp.agents.")]
    assert legacy, "the sample must include legacy-agent movies"
    assert all(not list(m.iter("Guid")) for m in legacy)


def test_title_filter(plex):
    root = xml(plex.get("/library/sections/1/all", params={"title": "the"}))
    assert len(root) and all("the" in e.get("title").lower() for e in root)


def test_metadata_children_and_all_leaves(plex):
    show = xml(plex.get("/library/sections/2/all"))[0]
    detail = xml(plex.get(f"/library/metadata/{show.get('ratingKey')}"))[0]
    assert detail.get("librarySectionID") == "2" and detail.find("Location").get("path").startswith("/data/")
    kids = xml(plex.get(f"/library/metadata/{show.get('ratingKey')}/children"))
    assert kids[0].get("title") == "All episodes" and kids[0].get("ratingKey") is None
    seasons = [k for k in kids if k.get("type") == "season"]
    assert all(s.get("parentRatingKey") == show.get("ratingKey") for s in seasons)
    trimmed = xml(plex.get(f"/library/metadata/{show.get('ratingKey')}/children", params={"excludeAllLeaves": 1}))
    assert len(trimmed) == len(seasons)
    episodes = xml(plex.get(f"/library/metadata/{seasons[0].get('ratingKey')}/children"))
    assert all(e.get("type") == "episode" and e.find("Media/Part").get("file") for e in episodes)
    leaves = xml(plex.get(f"/library/metadata/{show.get('ratingKey')}/allLeaves"))
    assert leaves.get("totalSize") == show.get("leafCount")
    assert plex.get("/library/metadata/99999999").status_code == 404


def test_movie_detail_has_file_guid_and_images(plex):
    movie = first_movie(plex)
    detail = xml(plex.get(f"/library/metadata/{movie.get('ratingKey')}"))[0]
    assert detail.find("Media/Part").get("file").startswith("/data/")
    thumb = plex.get(detail.get("thumb"))
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert plex.get(detail.get("art")).status_code == 200


# ---- posters and arts --------------------------------------------------------------------------
def test_upload_by_bytes_selects_and_records_sha256(plex):
    rk = first_movie(plex).get("ratingKey")
    before = xml(plex.get(f"/library/metadata/{rk}"))[0].get("thumb")
    data = b"\xff\xd8\xff\xe0 a tiny jpeg-ish body"
    assert plex.post(f"/library/metadata/{rk}/posters", content=data).status_code == 200
    photos = xml(plex.get(f"/library/metadata/{rk}/posters"))
    selected = [p for p in photos if p.get("selected") == "1"]
    assert len(selected) == 1 and selected[0].get("ratingKey") == f"upload://posters/{hashlib.sha1(data).hexdigest()}"
    after = xml(plex.get(f"/library/metadata/{rk}"))[0].get("thumb")
    assert after != before and plex.get(after).content == data
    uploads = state(plex)["recorded"]["uploads"]
    assert uploads[-1]["sha256"] == hashlib.sha256(data).hexdigest() and uploads[-1]["source"] == "body"


def test_upload_by_url_fetches_the_image(plex, server):
    rk = first_movie(plex).get("ratingKey")
    photos = xml(plex.get(f"/library/metadata/{rk}/arts"))
    source = f"{server.url}{photos[0].get('key')}&X-Plex-Token={TOKEN}"
    expected = plex.get(photos[0].get("key")).content
    assert plex.post(f"/library/metadata/{rk}/arts", params={"url": source}).status_code == 200
    upload = state(plex)["recorded"]["uploads"][-1]
    assert upload["source"] == "url" and upload["sha256"] == hashlib.sha256(expected).hexdigest()
    assert upload["image"] == "art"
    bad = plex.post(f"/library/metadata/{rk}/posters", params={"url": f"{server.url}/nothing-here"})
    assert bad.status_code == 400


def test_select_and_delete_poster(plex):
    rk = first_movie(plex).get("ratingKey")
    photos = xml(plex.get(f"/library/metadata/{rk}/posters"))
    target = [p for p in photos if p.get("selected") == "0"][0].get("ratingKey")
    assert plex.put(f"/library/metadata/{rk}/poster", params={"url": target}).status_code == 200
    selected = [p.get("ratingKey") for p in xml(plex.get(f"/library/metadata/{rk}/posters")) if p.get("selected") == "1"]
    assert selected == [target]
    assert plex.put(f"/library/metadata/{rk}/poster", params={"url": "metadata://nope"}).status_code == 404
    assert plex.delete(f"/library/metadata/{rk}/thumb").status_code == 200
    assert xml(plex.get(f"/library/metadata/{rk}"))[0].get("thumb") is None


# ---- tag edits and maintenance -----------------------------------------------------------------
def test_label_edit_wire_format(plex):
    movie = first_movie(plex)
    rk = movie.get("ratingKey")
    add = f"/library/sections/1/all?type=1&id={rk}&label.locked=1&label%5B0%5D.tag.tag=Old%20One&label%5B1%5D.tag.tag=Keep"
    assert plex.put(add).status_code == 200
    labels = [lab.get("tag") for lab in xml(plex.get(f"/library/metadata/{rk}"))[0].iter("Label")]
    assert labels == ["Old One", "Keep"]
    # plexapi quotes each value, joins with ",", then the whole value is URL-encoded again.
    value = quote(",".join(quote(v, safe="") for v in ["Old One", "Zß,x"]), safe="")
    assert plex.put(f"/library/sections/1/all?type=1&id={rk}&label.locked=1&label%5B%5D.tag.tag-={value}").status_code == 200
    labels = [lab.get("tag") for lab in xml(plex.get(f"/library/metadata/{rk}"))[0].iter("Label")]
    assert labels == ["Keep"]
    changes = state(plex)["recorded"]["tag_changes"]
    assert changes[-1]["removed"] == ["Old One"] and state(plex)["labels"][rk] == ["Keep"]
    filtered = xml(plex.get("/library/sections/1/all", params={"label": "keep"}))
    assert [e.get("ratingKey") for e in filtered] == [rk]


def test_bad_edits_are_rejected(plex):
    rk = first_movie(plex).get("ratingKey")
    assert plex.put("/library/sections/1/all?type=1&label%5B0%5D.tag.tag=X").status_code == 400  # no id
    assert plex.put(f"/library/sections/1/all?type=2&id={rk}&label%5B0%5D.tag.tag=X").status_code == 400
    assert plex.put(f"/library/sections/2/all?type=1&id={rk}&label%5B0%5D.tag.tag=X").status_code == 400
    assert plex.put("/library/sections/1/all?type=1&id=abc").status_code == 400


def test_maintenance_is_put_and_recorded(plex):
    assert plex.put("/library/sections/1/emptyTrash").status_code == 200
    assert plex.put("/library/clean/bundles", params={"async": 1}).status_code == 200
    assert plex.put("/library/optimize", params={"async": 1}).status_code == 200
    assert plex.get("/library/sections/2/refresh").status_code == 200
    assert plex.get("/library/clean/bundles").status_code == 405
    actions = [(m["action"], m["section"]) for m in state(plex)["recorded"]["maintenance"]]
    assert actions == [("emptyTrash", 1), ("cleanBundles", None), ("optimize", None), ("refresh", 2)]


def test_reset_restores_the_library(plex):
    rk = first_movie(plex).get("ratingKey")
    plex.post(f"/library/metadata/{rk}/posters", content=b"\x89PNG....")
    plex.put(f"/library/sections/1/all?type=1&id={rk}&label%5B0%5D.tag.tag=Temp")
    plex.post("/__sim__/reset")
    detail = xml(plex.get(f"/library/metadata/{rk}"))[0]
    assert "Temp" not in [lab.get("tag") for lab in detail.iter("Label")]
    assert not any(p.get("ratingKey").startswith("upload://") for p in xml(plex.get(f"/library/metadata/{rk}/posters")))


def test_search(plex):
    root = xml(plex.get("/search", params={"query": "titan"}))
    assert root.get("size") != "0" and all("titan" in e.get("title").lower() for e in root)
