"""Every route the *arr simulators serve, validated against the real OpenAPI documents.

Each exchange goes over real HTTP; openapi-core checks the request and the response (status,
content type, schema incl. ``additionalProperties: false``). A final check makes sure the table
exercises every /api route of each app, so a new route cannot skip validation.
"""

from __future__ import annotations

import re

import httpx
import pytest
from openapi_core.validation.response.exceptions import InvalidData

from tests.sims.arr_openapi import spec_has, validate_exchange

# (method, path, json body, expected status)
Row = tuple[str, str, dict | None, int]


def _status_rows(api: str) -> list[Row]:
    return [("GET", "/ping", None, 200), ("GET", f"{api}/system/status", None, 200), ("GET", f"{api}/health", None, 200)]


def _tag_rows(api: str) -> list[Row]:
    """Tag CRUD; tag 7 is the one the POST creates."""
    return [
        ("GET", f"{api}/tag", None, 200),
        ("POST", f"{api}/tag", {"label": "chub-renamed"}, 201),
        ("GET", f"{api}/tag/1", None, 200),
        ("PUT", f"{api}/tag/7", {"id": 7, "label": "chub-done"}, 202),
        ("GET", f"{api}/tag/detail", None, 200),
        ("GET", f"{api}/tag/detail/1", None, 200),
        ("DELETE", f"{api}/tag/7", None, 200),
    ]


def _folder_profile_rows(api: str, folder_id: int, profile_id: int) -> list[Row]:
    return [
        ("GET", f"{api}/rootfolder", None, 200),
        ("GET", f"{api}/rootfolder/{folder_id}", None, 200),
        ("GET", f"{api}/qualityprofile", None, 200),
        ("GET", f"{api}/qualityprofile/{profile_id}", None, 200),
    ]


def _command_rows(api: str, first: dict, second: dict) -> list[Row]:
    """Two commands (ids 1001, 1002): poll the first, cancel the second, list them."""
    return [
        ("POST", f"{api}/command", first, 201),
        ("GET", f"{api}/command/1001", None, 200),
        ("POST", f"{api}/command", second, 201),
        ("DELETE", f"{api}/command/1002", None, 200),
        ("GET", f"{api}/command", None, 200),
    ]


def _exclusion_rows(base: str, new: dict, edited: dict, *, extras: bool = True) -> list[Row]:
    """Exclusion CRUD at ``base`` (Radarr /exclusions, else /importlistexclusion); ``extras``: the
    /paged and /bulk routes (not on Lidarr). The POST creates id 2."""
    rows: list[Row] = [("GET", base, None, 200)]
    if extras:
        rows.append(("GET", f"{base}/paged?page=1&pageSize=10", None, 200))
    rows += [("POST", base, new, 201), ("GET", f"{base}/2", None, 200), ("PUT", f"{base}/2", {"id": 2, **edited}, 202),
             ("DELETE", f"{base}/2", None, 200)]
    if extras:
        rows.append(("DELETE", f"{base}/bulk", {"ids": [1]}, 200))
    return rows


RADARR = [
    *_status_rows("/api/v3"),
    ("GET", "/api/v3/movie?includeImages=false", None, 200),
    ("GET", "/api/v3/movie?tmdbId=603", None, 200),
    ("GET", "/api/v3/movie/1", None, 200),
    ("GET", "/api/v3/history?page=1&pageSize=5&includeMovie=true", None, 200),
    ("GET", "/api/v3/movie/lookup?term=matrix", None, 200),
    ("GET", "/api/v3/movie/lookup/tmdb?tmdbId=603", None, 200),
    ("GET", "/api/v3/movie/lookup/imdb?imdbId=tt0133093", None, 200),
    ("PUT", "/api/v3/movie/editor", {"movieIds": [1, 2], "tags": [2], "applyTags": "add"}, 202),
    ("PUT", "/api/v3/movie/1?moveFiles=true", {"id": 1, "title": "The Matrix", "monitored": False, "qualityProfileId": 4,
                                               "tags": [1], "path": "/data/movies/The Matrix (1999)"}, 202),
    *_tag_rows("/api/v3"),
    *_folder_profile_rows("/api/v3", 1, 4),
    ("GET", "/api/v3/moviefile?movieId=1&movieId=2", None, 200),
    ("GET", "/api/v3/moviefile/1", None, 200),
    ("GET", "/api/v3/rename?movieId=1&movieId=3", None, 200),
    *_command_rows("/api/v3", {"name": "RenameMovie", "movieIds": [1]}, {"name": "MoviesSearch", "movieIds": [2]}),
    *_exclusion_rows("/api/v3/exclusions", {"tmdbId": 4242, "movieTitle": "Excluded", "movieYear": 2001},
                     {"tmdbId": 4242, "movieTitle": "Excluded (Cut)", "movieYear": 2001}),
    ("GET", "/api/v3/history/movie?movieId=1&eventType=downloadFolderImported&includeMovie=true", None, 200),
    ("GET", "/api/v3/queue?page=1&pageSize=200&includeMovie=true", None, 200),
    ("GET", "/api/v3/wanted/missing?page=1&pageSize=5&sortKey=releaseDate&sortDirection=descending&monitored=true", None, 200),
    ("GET", "/api/v3/wanted/cutoff?page=1&pageSize=5", None, 200),
    ("GET", "/api/v3/mediacover/1/poster.jpg", None, 200),
    ("POST", "/api/v3/movie", {"title": "New One", "tmdbId": 777001, "year": 2020, "qualityProfileId": 4,
                               "rootFolderPath": "/data/movies", "monitored": True,
                               "addOptions": {"searchForMovie": False}}, 201),
    ("DELETE", "/api/v3/moviefile/2", None, 200),
    ("DELETE", "/api/v3/moviefile/bulk", {"movieFileIds": [3]}, 200),
    ("DELETE", "/api/v3/movie/4?deleteFiles=true&addImportExclusion=true", None, 200),
    ("DELETE", "/api/v3/movie/editor", {"movieIds": [5], "deleteFiles": False, "addImportExclusion": False}, 200),
]
SONARR = [
    *_status_rows("/api/v3"),
    ("GET", "/api/v3/series?includeSeasonImages=false", None, 200),
    ("GET", "/api/v3/series?tvdbId=81189", None, 200),
    ("GET", "/api/v3/series/2?includeSeasonImages=true", None, 200),
    ("GET", "/api/v3/series/lookup?term=doctor", None, 200),
    ("PUT", "/api/v3/series/editor", {"seriesIds": [1, 2], "tags": [2], "applyTags": "add"}, 202),
    ("PUT", "/api/v3/series/1?moveFiles=true", {"id": 1, "title": "Breaking Bad", "monitored": True, "tags": [],
                                                "path": "/data/tv/Breaking Bad (2008)"}, 202),
    ("GET", "/api/v3/episode?seriesId=2&seasonNumber=1&includeSeries=true&includeEpisodeFile=true&includeImages=true", None, 200),
    ("GET", "/api/v3/episode?episodeIds=1&episodeIds=2", None, 200),
    ("GET", "/api/v3/episode/1", None, 200),
    ("PUT", "/api/v3/episode/1", {"id": 1, "monitored": False}, 202),
    ("PUT", "/api/v3/episode/monitor", {"episodeIds": [1, 2], "monitored": True}, 202),
    ("GET", "/api/v3/episodefile?seriesId=2", None, 200),
    ("GET", "/api/v3/episodefile/11", None, 200),
    ("GET", "/api/v3/rename?seriesId=2", None, 200),
    *_tag_rows("/api/v3"),
    *_folder_profile_rows("/api/v3", 3, 4),
    *_command_rows("/api/v3", {"name": "SeriesSearch", "seriesId": 1}, {"name": "RefreshSeries", "seriesId": 1}),
    *_exclusion_rows("/api/v3/importlistexclusion", {"tvdbId": 4242, "title": "Excluded"},
                     {"tvdbId": 4242, "title": "Excluded!"}),
    ("GET", "/api/v3/history/series?seriesId=1&includeSeries=true&includeEpisode=true", None, 200),
    ("GET", "/api/v3/queue?page=1&pageSize=200&includeSeries=true", None, 200),
    ("GET", "/api/v3/wanted/missing?page=1&pageSize=5&includeSeries=true", None, 200),
    ("GET", "/api/v3/wanted/cutoff?page=1&pageSize=5", None, 200),
    ("GET", "/api/v3/mediacover/1/poster.jpg", None, 200),
    ("POST", "/api/v3/series", {"tvdbId": 999999, "title": "Nope", "rootFolderPath": "/data/tv"}, 400),
    ("GET", "/api/v3/history?page=1&pageSize=5&includeSeries=true&includeEpisode=true", None, 200),
    ("GET", "/api/v3/languageprofile", None, 200),
    ("DELETE", "/api/v3/episodefile/12", None, 200),
    ("DELETE", "/api/v3/episodefile/bulk", {"episodeFileIds": [13]}, 200),
    ("DELETE", "/api/v3/series/4?deleteFiles=true&addImportListExclusion=true", None, 200),
    ("DELETE", "/api/v3/series/editor", {"seriesIds": [5], "deleteFiles": False}, 200),
]
LIDARR = [
    *_status_rows("/api/v1"),
    ("GET", "/api/v1/artist", None, 200),
    ("GET", "/api/v1/artist/1", None, 200),
    ("GET", "/api/v1/artist/lookup?term=beat", None, 200),
    ("PUT", "/api/v1/artist/editor", {"artistIds": [1, 2], "tags": [2], "applyTags": "add"}, 202),
    ("PUT", "/api/v1/artist/1?moveFiles=false", {"id": 1, "artistName": "AC/DC", "monitored": True, "tags": []}, 202),
    ("GET", "/api/v1/album?artistId=1", None, 200),
    ("GET", "/api/v1/album/1", None, 200),
    ("PUT", "/api/v1/album/monitor", {"albumIds": [1], "monitored": False}, 202),
    ("GET", "/api/v1/metadataprofile", None, 200),
    ("GET", "/api/v1/rename?artistId=1", None, 200),
    *_tag_rows("/api/v1"),
    *_folder_profile_rows("/api/v1", 5, 1),
    *_command_rows("/api/v1", {"name": "ArtistSearch", "artistId": 1}, {"name": "AlbumSearch", "albumIds": [1]}),
    *_exclusion_rows("/api/v1/importlistexclusion", {"foreignId": "abc-def", "artistName": "Someone"},
                     {"foreignId": "abc-def", "artistName": "Someone Else"}, extras=False),
    ("GET", "/api/v1/queue?page=1&pageSize=200&includeArtist=true", None, 200),
    ("GET", "/api/v1/wanted/missing?page=1&pageSize=5&includeArtist=true", None, 200),
    ("GET", "/api/v1/wanted/cutoff?page=1&pageSize=5", None, 200),
    ("GET", "/api/v1/mediacover/artist/1/poster.jpg", None, 200),
    ("GET", "/api/v1/history?page=1&pageSize=5&includeArtist=true&includeAlbum=true", None, 200),
    ("GET", "/api/v1/track?albumId=1", None, 200),
    ("GET", "/api/v1/trackfile?albumId=4", None, 200),
    ("GET", "/api/v1/mediacover/album/1/cover.jpg", None, 200),
    ("POST", "/api/v1/artist", {"foreignArtistId": "00000000-0000-4000-8000-000000000000", "artistName": "X"}, 400),
    ("DELETE", "/api/v1/artist/4?deleteFiles=true&addImportListExclusion=true", None, 200),
    ("DELETE", "/api/v1/artist/editor", {"artistIds": [5], "deleteFiles": False}, 200),
]
TABLES = {"radarr": RADARR, "sonarr": SONARR, "lidarr": LIDARR}


def _api_routes(app) -> list[tuple[str, re.Pattern[str], str]]:
    out = []
    for route in app.routes:
        path = getattr(route, "path", "")
        if path.startswith("/api") or path == "/ping":
            for method in sorted(getattr(route, "methods", None) or []):
                if method != "HEAD":
                    out.append((method, route.path_regex, path))
    return out


@pytest.mark.parametrize("service", ["radarr", "sonarr", "lidarr"])
def test_every_route_matches_the_openapi_document(arr_cluster, service):
    url, key = arr_cluster.urls[service], arr_cluster.api_keys[service]
    failures = []
    with httpx.Client(base_url=url, headers={"X-Api-Key": key, "Accept": "application/json"}) as client:
        for method, path, body, expected in TABLES[service]:
            assert spec_has(service, method, path.split("?")[0]), f"{method} {path} is not in the {service} spec"
            resp = client.request(method, path, json=body)
            if resp.status_code != expected:
                failures.append(f"{method} {path}: HTTP {resp.status_code} (expected {expected}): {resp.text[:300]}")
                continue
            if expected >= 400:
                continue
            try:
                validate_exchange(service, resp)
            except Exception as exc:  # collect all, report together
                detail = "; ".join(str(e)[:400] for e in getattr(exc, "schema_errors", []) or [exc.__cause__ or exc])
                failures.append(f"{method} {path}: {type(exc).__name__}: {detail}")
    assert not failures, "\n".join(failures)

    # every /api route of the app was exercised by the table above
    app = arr_cluster.apps[service]
    hit = [(r.method, r.path) for r in app.state.sim.requests]
    missing = [f"{m} {template}" for m, regex, template in _api_routes(app)
               if not any(hm == m and regex.match(hp) for hm, hp in hit)]
    assert not missing, f"routes not validated: {missing}"


def test_the_validator_rejects_an_extra_property(arr_cluster):
    """Guard the guard: a response with a field the spec does not know must fail validation."""
    arr = arr_cluster.apps["radarr"].state.arr
    original = arr.tag_resource
    arr.tag_resource = lambda tag_id: {**original(tag_id), "colour": "red"}
    try:
        with httpx.Client(base_url=arr_cluster.urls["radarr"], headers={"X-Api-Key": arr_cluster.api_keys["radarr"]}) as c:
            resp = c.get("/api/v3/tag/1")
        assert resp.status_code == 200
        with pytest.raises(InvalidData):
            validate_exchange("radarr", resp)
    finally:
        arr.tag_resource = original
