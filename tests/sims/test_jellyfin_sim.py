"""The Jellyfin simulator: every route it serves is validated against Jellyfin's own OpenAPI
(shared/contracts/jellyfin-openapi.json, 10.11.11) with openapi-core, plus its behaviour
(auth forms, paging, base64 image uploads) over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import httpx
import pytest
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from curatarr.sims.images import render_placeholder
from curatarr.sims.jellyfin import create_app
from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimServer

SPEC = Path("/work/shared/contracts/jellyfin-openapi.json")
KEY = "jf-test-key"
AUTH = {"Authorization": f'MediaBrowser Client="tests", Device="pytest", DeviceId="1", Version="1", Token="{KEY}"'}
# Jellyfin writes GUIDs in .NET's "N" format (32 hex digits, no dashes) although its OpenAPI says
# "format: uuid"; accept both spellings so real server output validates.
_GUID = re.compile(r"^[0-9a-fA-F]{32}$|^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


class _Request:
    """An httpx request as openapi-core sees it (the spec's only server is http://localhost)."""

    host_url = "http://localhost"

    def __init__(self, request: httpx.Request):
        self._r = request
        self.parameters = RequestParameters(query=ImmutableMultiDict(list(request.url.params.multi_items())),
                                            header=Headers(list(request.headers.items())),
                                            cookie=ImmutableMultiDict())
        self.path = request.url.path
        self.method = request.method.lower()
        self.body = request.content or None
        self.content_type = request.headers.get("content-type", "").lower()


class _Response:
    def __init__(self, response: httpx.Response):
        self.status_code = response.status_code
        self.content_type = response.headers.get("content-type", "").lower()
        self.headers = Headers(list(response.headers.items()))
        self.data = response.content


@pytest.fixture(scope="module")
def spec() -> OpenAPI:
    checks = {"uuid": lambda value: not isinstance(value, str) or bool(_GUID.match(value))}
    return OpenAPI.from_dict(json.loads(SPEC.read_text()),
                             config=Config(spec_validator_cls=None, extra_format_validators=checks))


@pytest.fixture(scope="module")
def library() -> SampleLibrary:
    return SampleLibrary.demo()


@pytest.fixture(scope="module")
def server(library):
    with SimServer(create_app(library, api_key=KEY, small_images=True), name="jellyfin") as srv:
        yield srv


@pytest.fixture
def jf(server):
    server.sim.reset()
    with httpx.Client(base_url=server.url, headers=AUTH) as client:
        yield client


@pytest.fixture
def valid(spec):
    """``valid(response)`` validates request and response against the spec; returns the response."""
    def check(response: httpx.Response) -> httpx.Response:
        spec.validate_request(_Request(response.request))
        spec.validate_response(_Request(response.request), _Response(response))
        return response
    return check


def movies_folder(jf) -> str:
    return next(f["ItemId"] for f in jf.get("/Library/VirtualFolders").json() if f["CollectionType"] == "movies")


def a_movie(jf) -> dict:
    params = {"parentId": movies_folder(jf), "recursive": "true", "includeItemTypes": "Movie", "limit": 1}
    return jf.get("/Items", params=params).json()["Items"][0]


def a_series(jf) -> dict:
    return jf.get("/Items", params={"recursive": "true", "includeItemTypes": "Series", "limit": 1}).json()["Items"][0]


# ---- OpenAPI conformance, one test per served route -------------------------------------------
def test_validator_is_not_vacuous(spec, jf, valid):
    response = valid(jf.get("/System/Info"))
    tampered = httpx.Response(200, json={**response.json(), "NotInSchema": 1}, request=response.request)
    with pytest.raises(OpenAPIError):
        spec.validate_response(_Request(tampered.request), _Response(tampered))


def test_system_routes_conform(jf, valid):
    assert valid(jf.get("/System/Info")).json()["Version"] == "10.11.11"
    assert valid(httpx.get(f"{jf.base_url}/System/Info/Public")).json()["ProductName"] == "Jellyfin Server"
    assert valid(httpx.get(f"{jf.base_url}/System/Ping")).json() == "Jellyfin Server"
    assert valid(jf.get("/System/Configuration")).json()["PreferredMetadataLanguage"] == "en"
    users = valid(jf.get("/Users")).json()
    assert users[0]["Policy"]["IsAdministrator"] is True


def test_virtual_folders_conform(jf, valid):
    folders = valid(jf.get("/Library/VirtualFolders")).json()
    assert [(f["Name"], f["CollectionType"]) for f in folders] == [("Movies", "movies"), ("Shows", "tvshows"),
                                                                   ("Music", "music")]
    assert folders[0]["Locations"] == ["/data/movies", "/data/documentaries"]


def test_items_query_conforms(jf, valid, library):
    params = [("parentId", movies_folder(jf)), ("recursive", "true"), ("includeItemTypes", "Movie"),
              ("fields", "ProviderIds"), ("fields", "Path"), ("startIndex", "2"), ("limit", "5")]
    body = valid(jf.get("/Items", params=params)).json()
    assert body["TotalRecordCount"] == sum(1 for m in library.movies if m.has_file)
    assert body["StartIndex"] == 2 and len(body["Items"]) == 5
    by_id = {m.jellyfin_id: m for m in library.movies}
    for item in body["Items"]:
        source = by_id[item["Id"]]
        assert item["ProviderIds"]["Tmdb"] == str(source.tmdb_id)
        assert item["Path"] == f"{source.path}/{source.file_name}"
    series = valid(jf.get("/Items", params={"recursive": "true", "includeItemTypes": "Series"})).json()
    assert {i["Type"] for i in series["Items"]} == {"Series"}
    roots = valid(jf.get("/Items")).json()
    assert {i["Type"] for i in roots["Items"]} == {"CollectionFolder"}


def test_item_conforms(jf, valid):
    movie = a_movie(jf)
    detail = valid(jf.get(f"/Items/{movie['Id']}")).json()
    assert detail["Id"] == movie["Id"] and detail["ProviderIds"] and detail["Path"]


def test_show_routes_conform(jf, valid):
    series = a_series(jf)
    seasons = valid(jf.get(f"/Shows/{series['Id']}/Seasons")).json()["Items"]
    assert seasons and all(s["SeriesId"] == series["Id"] and s["Type"] == "Season" for s in seasons)
    episodes = valid(jf.get(f"/Shows/{series['Id']}/Episodes", params={"seasonId": seasons[-1]["Id"]})).json()
    assert episodes["Items"] and all(e["SeasonId"] == seasons[-1]["Id"] for e in episodes["Items"])
    assert valid(jf.get(f"/Shows/{'0' * 32}/Seasons")).status_code == 404
    ancestors = valid(jf.get(f"/Items/{episodes['Items'][0]['Id']}/Ancestors")).json()
    assert [a["Type"] for a in ancestors] == ["Season", "Series", "CollectionFolder", "AggregateFolder"]


def test_image_routes_conform(jf, valid):
    movie = a_movie(jf)
    infos = valid(jf.get(f"/Items/{movie['Id']}/Images")).json()
    assert {"Primary", "Backdrop"} <= {i["ImageType"] for i in infos}
    primary = valid(httpx.get(f"{jf.base_url}/Items/{movie['Id']}/Images/Primary"))  # image GETs are public
    assert primary.headers["content-type"] == "image/jpeg" and primary.content[:2] == b"\xff\xd8"
    assert valid(jf.get(f"/Items/{movie['Id']}/Images/Backdrop/0")).status_code == 200
    data = render_placeholder(30, 45, seed=3, text="JF")
    posted = jf.post(f"/Items/{movie['Id']}/Images/Primary", content=base64.b64encode(data),
                     headers={"Content-Type": "image/jpeg"})
    assert valid(posted).status_code == 204
    assert valid(jf.delete(f"/Items/{movie['Id']}/Images/Backdrop/0")).status_code == 204
    assert valid(jf.delete(f"/Items/{movie['Id']}/Images/Logo")).status_code == 204
    assert valid(jf.get(f"/Items/{'0' * 32}/Images")).status_code == 404


# ---- behaviour ---------------------------------------------------------------------------------
def test_auth_forms(server):
    url = f"{server.url}/System/Info"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": 'MediaBrowser Token="nope"'}).status_code == 401
    assert httpx.get(url, headers=AUTH).status_code == 200
    assert httpx.get(url, params={"ApiKey": KEY}).status_code == 200
    for legacy in ({"X-Emby-Token": KEY}, {"X-MediaBrowser-Token": KEY},
                   {"X-Emby-Authorization": f'MediaBrowser Client="x", Token="{KEY}"'}):
        assert httpx.get(url, headers=legacy).status_code == 200
    assert httpx.get(url, params={"api_key": KEY}).status_code == 200


def test_legacy_auth_can_be_switched_off(library):
    with SimServer(create_app(library, api_key=KEY, legacy_auth=False)) as srv:
        url = f"{srv.url}/System/Info"
        assert httpx.get(url, params={"api_key": KEY}).status_code == 401
        assert httpx.get(url, headers={"X-Emby-Token": KEY}).status_code == 401
        assert httpx.get(url, headers=AUTH).status_code == 200


def test_paths_and_params_are_case_insensitive(jf):
    lower = jf.get("/items", params={"recursive": "true", "includeitemtypes": "Movie", "limit": 3}).json()
    upper = jf.get("/Items", params={"Recursive": "true", "IncludeItemTypes": "Movie", "Limit": 3}).json()
    assert lower == upper and len(lower["Items"]) == 3


def test_fields_are_optional_and_unknown_ones_ignored(jf):
    folder = movies_folder(jf)
    bare = jf.get("/Items", params={"ParentId": folder, "Recursive": "true", "Limit": 1}).json()["Items"][0]
    assert "ProviderIds" not in bare and "Path" not in bare and bare["ProductionYear"]
    full = jf.get("/Items", params={"ParentId": folder, "Recursive": "true", "Limit": 1,
                                    "Fields": "ProviderIds,Path,ProductionYear,NoSuchField"}).json()["Items"][0]
    assert full["ProviderIds"] and full["Path"]
    assert jf.get("/Items", params={"IncludeItemTypes": "Nonsense", "Recursive": "true"}).status_code == 400
    assert jf.get("/Items", params={"Limit": "ten"}).status_code == 400


def test_search_term(jf):
    found = jf.get("/Items", params={"Recursive": "true", "SearchTerm": "titan",
                                     "IncludeItemTypes": "Series"}).json()["Items"]
    assert found and all("titan" in i["Name"].lower() for i in found)


def test_upload_needs_base64_and_an_image_type(jf, server):
    movie = a_movie(jf)
    data = render_placeholder(20, 30, seed=9, text="x")
    url = f"/Items/{movie['Id']}/Images/Primary"
    assert jf.post(url, content=data, headers={"Content-Type": "image/jpeg"}).status_code == 400  # raw bytes
    assert jf.post(url, content=base64.b64encode(data), headers={"Content-Type": "text/plain"}).status_code == 400
    assert jf.post(url, content=base64.b64encode(data), headers={"Content-Type": "image/jpeg"}).status_code == 204
    assert jf.get(url).content == data
    tags = jf.get(f"/Items/{movie['Id']}").json()["ImageTags"]
    assert tags["Primary"] == hashlib.md5(data).hexdigest()
    upload = server.sim.events("uploads")[-1]
    assert upload["sha256"] == hashlib.sha256(data).hexdigest() and upload["image_type"] == "Primary"


def test_backdrop_post_appends_and_delete_removes(jf):
    movie = a_movie(jf)
    before = jf.get(f"/Items/{movie['Id']}").json()["BackdropImageTags"]
    data = render_placeholder(64, 36, seed=4, kind="background")
    jf.post(f"/Items/{movie['Id']}/Images/Backdrop", content=base64.b64encode(data),
            headers={"Content-Type": "image/jpeg"})
    after = jf.get(f"/Items/{movie['Id']}").json()["BackdropImageTags"]
    assert after[:-1] == before and len(after) == len(before) + 1
    jf.delete(f"/Items/{movie['Id']}/Images/Backdrop/0")
    assert jf.get(f"/Items/{movie['Id']}").json()["BackdropImageTags"] == after[1:]


def test_missing_files_are_not_in_the_server(jf, library):
    missing = [m for m in library.movies if not m.has_file]
    assert missing, "the sample library should have movies without files"
    assert jf.get(f"/Items/{missing[0].jellyfin_id}").status_code == 404


def test_image_tags_are_stable_before_and_after_images_are_read(jf):
    movie = a_movie(jf)
    before = jf.get(f"/Items/{movie['Id']}").json()
    infos = jf.get(f"/Items/{movie['Id']}/Images").json()
    after = jf.get(f"/Items/{movie['Id']}").json()
    assert before["ImageTags"] == after["ImageTags"] and before["BackdropImageTags"] == after["BackdropImageTags"]
    assert {i["ImageType"]: i["ImageTag"] for i in infos}["Primary"] == after["ImageTags"]["Primary"]
