"""The Emby simulator: the Jellyfin API shape under ``/emby``, numeric ids, Emby's credential forms."""

from __future__ import annotations

import base64
import hashlib

import httpx
import pytest

from curatarr.sims.emby import create_app
from curatarr.sims.images import render_placeholder
from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimServer

KEY = "emby-test-key"


@pytest.fixture(scope="module")
def library() -> SampleLibrary:
    return SampleLibrary.demo()


@pytest.fixture(scope="module")
def server(library):
    with SimServer(create_app(library, api_key=KEY, small_images=True), name="emby") as srv:
        yield srv


@pytest.fixture
def emby(server):
    server.sim.reset()
    with httpx.Client(base_url=f"{server.url}/emby", headers={"X-Emby-Token": KEY}) as client:
        yield client


def test_everything_lives_under_emby(server, emby):
    assert httpx.get(f"{server.url}/System/Info", headers={"X-Emby-Token": KEY}).status_code == 404
    info = emby.get("/System/Info").json()
    assert info["ProductName"] == "Emby Server" and info["Version"].startswith("4.")
    assert httpx.get(f"{server.url}/emby/System/Info/Public").json()["ServerName"] == "emby"


def test_credential_forms(server):
    url = f"{server.url}/emby/System/Info"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"X-Emby-Token": "nope"}).status_code == 401
    assert httpx.get(url, params={"api_key": KEY}).status_code == 200
    assert httpx.get(url, headers={"X-Emby-Authorization": f'Emby UserId="", Client="x", Token="{KEY}"'}).status_code == 200
    assert httpx.get(url, headers={"Authorization": f'Emby Token="{KEY}"'}).status_code == 200


def test_ids_are_numeric_strings(emby, library):
    folders = emby.get("/Library/VirtualFolders").json()
    assert all(f["ItemId"].isdigit() for f in folders)
    movies = emby.get("/Items", params={"ParentId": folders[0]["ItemId"], "Recursive": "true",
                                        "IncludeItemTypes": "Movie", "Fields": "ProviderIds,Path"}).json()
    assert movies["TotalRecordCount"] == sum(1 for m in library.movies if m.has_file)
    by_key = {str(m.plex_rating_key): m for m in library.movies}
    for item in movies["Items"]:
        assert item["Id"].isdigit() and item["ProviderIds"]["Tmdb"] == str(by_key[item["Id"]].tmdb_id)


def test_seasons_episodes_and_images(emby):
    series = emby.get("/Items", params={"Recursive": "true", "IncludeItemTypes": "Series", "Limit": 1}).json()["Items"][0]
    seasons = emby.get(f"/Shows/{series['Id']}/Seasons").json()["Items"]
    episodes = emby.get(f"/Shows/{series['Id']}/Episodes", params={"Season": seasons[-1]["IndexNumber"]}).json()
    assert episodes["Items"] and {e["ParentIndexNumber"] for e in episodes["Items"]} == {seasons[-1]["IndexNumber"]}
    data = render_placeholder(30, 45, seed=5, text="E")
    target = episodes["Items"][0]["Id"]
    posted = emby.post(f"/Items/{target}/Images/Primary", content=base64.b64encode(data),
                       headers={"Content-Type": "image/png"})
    assert posted.status_code == 204
    assert emby.get(f"/Items/{target}/Images/Primary").content == data
    infos = emby.get(f"/Items/{target}/Images").json()
    assert [i["ImageTag"] for i in infos if i["ImageType"] == "Primary"] == [hashlib.md5(data).hexdigest()]


def test_per_user_item_routes(emby):
    user = emby.get("/Users").json()[0]["Id"]
    listed = emby.get(f"/Users/{user}/Items", params={"Recursive": "true", "IncludeItemTypes": "Movie",
                                                      "Limit": 2}).json()["Items"]
    assert len(listed) == 2
    assert emby.get(f"/Users/{user}/Items/{listed[0]['Id']}").json()["Name"] == listed[0]["Name"]
