"""Typed clients for Radarr (v3), Sonarr (v3, also v4 servers) and Lidarr (v1).

Built on :class:`~curatarr.connectors.http.HttpService` (timeouts, SSRF guard, retries on
transport errors/5xx/429, one error vocabulary) instead of pyarr: pyarr returns untyped dicts,
raises its own exception classes and hides status codes — we need typed items and
``Unreachable``/``AuthFailed``/``NotFound``/``RateLimited``/``BadResponse`` only.

The per-app differences that bite live here and nowhere else (contracts.md §1–4, §13):

* Radarr's exclusions are ``/exclusions``; Sonarr/Lidarr's ``/importlistexclusion``.
* Radarr's delete flag is ``addImportExclusion``; Sonarr/Lidarr's ``addImportListExclusion``.
* ``SeriesSearch``/``ArtistSearch`` take ONE id; ``MoviesSearch``/``EpisodeSearch``/
  ``AlbumSearch``/``Rename*``/``Refresh*`` take lists.
* Tag labels are lower-case ``[a-z0-9-]``; :meth:`ArrClient.ensure_tag` normalises first.

The big listings (every movie, series, artist, album, a series' episodes) are also read here, in
their wire format: :meth:`ArrClient.stream_items` and friends yield ``(decoded element, element
text)`` while the body arrives (``connectors.json_stream``), so the library cache never holds a
list of 100,000 parsed models and never names an *arr API path. Models: ``connectors.arr_models``.
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable, ClassVar, Iterable, Iterator, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from curatarr.connectors.arr_models import (  # noqa: F401  (the models are part of this interface)
    Album, ArrModel, Artist, Command, Episode, Exclusion, HealthItem, MediaFile, MediaImage, Movie, QualityProfile,
    RenamePreview, RootFolder, SeasonInfo, Series, SystemStatus, Tag,
)
from curatarr.connectors.errors import BadResponse, ConnectorError, NotFound
from curatarr.connectors.http import (
    DEFAULT_TIMEOUT, HttpService, InstanceRecord, Pong, RetryPolicy, instance_settings, json_fields,
)
from curatarr.connectors.json_stream import ElementPredictor, stream_json_array

T = TypeVar("T", bound=BaseModel)
TAG_RE = re.compile(r"[^a-z0-9-]+")


# ---- base client -------------------------------------------------------------------------------
class ArrClient:
    """What Radarr, Sonarr and Lidarr have in common. Use a subclass."""

    app: ClassVar[str] = "arr"
    api: ClassVar[str] = "/api/v3"
    media: ClassVar[str] = "movie"                 # resource path of the main items
    ids_key: ClassVar[str] = "movieIds"            # editor body key
    exclusion_path: ClassVar[str] = "importlistexclusion"
    exclusion_flag: ClassVar[str] = "addImportListExclusion"
    exclusion_id_field: ClassVar[str] = "tmdbId"           # the external id of an exclusion
    exclusion_title_field: ClassVar[str] = "movieTitle"
    exclusion_year_field: ClassVar[str | None] = None      # Radarr only: movieYear
    rename_command: ClassVar[str] = "RenameMovie"          # takes the ``ids_key`` list
    refresh_command: ClassVar[str] = "RefreshMovie"        # ``ids_key`` list, or everything without it

    def __init__(self, url: str, api_key: str, *, timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
                 retry: RetryPolicy | None = None, verify_ssl: bool = True, client: httpx.Client | None = None,
                 name: str | None = None):
        self.http = HttpService(base_url=url, service=name or self.app,
                                headers={"X-Api-Key": api_key, "Accept": "application/json"},
                                timeout=timeout, retry=retry or RetryPolicy(), verify_ssl=verify_ssl, client=client)

    @classmethod
    def from_instance(cls, ref: InstanceRecord, **options: Any) -> Self:
        """The client of a configured instance; errors name the instance (``radarr_4k: …``)."""
        return cls(ref.url, ref.api, **{"name": ref.name, **instance_settings(ref, verify_ssl="verify_ssl"),
                                        **options})

    def close(self) -> None:
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- plumbing ----------------------------------------------------------------------------
    def _path(self, path: str) -> str:
        return f"{self.api}/{path.lstrip('/')}"

    def _get(self, path: str, **params: Any) -> Any:
        return self.http.get_json(self._path(path), params={k: v for k, v in params.items() if v is not None})

    def _send(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> Any:
        return self.http.json(method, self._path(path), params=params, json=body)

    def _parse(self, model: type[T], data: Any) -> T:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise BadResponse(f"unexpected {model.__name__} shape ({exc.error_count()} error(s))",
                              service=self.http.service) from None

    def _parse_list(self, model: type[T], data: Any) -> list[T]:
        if not isinstance(data, list):
            raise BadResponse(f"expected a list of {model.__name__}", service=self.http.service)
        return [self._parse(model, item) for item in data]

    def paged(self, path: str, *, page_size: int = 250, **params: Any) -> Iterator[dict[str, Any]]:
        """Records of a paging resource, all pages (stops at ``totalRecords``)."""
        page, seen = 1, 0
        while True:
            data = self._get(path, page=page, pageSize=page_size, **params)
            if not isinstance(data, dict) or not isinstance(data.get("records"), list):
                raise BadResponse("expected a paging envelope", service=self.http.service)
            records, total = data["records"], int(data.get("totalRecords") or 0)
            del data   # one page in memory at a time: each record is released once handed out
            count = len(records)
            seen += count
            records.reverse()
            while records:
                yield records.pop()
            if not count or seen >= total:
                return
            page += 1

    # ---- system ------------------------------------------------------------------------------
    def system_status(self) -> SystemStatus:
        return self._parse(SystemStatus, self._get("system/status"))

    def ping(self) -> Pong:
        """The health probe: ``system/status`` (needs the API key)."""
        resp = self.http.probe("GET", self._path("system/status"))
        status = json_fields(resp)
        return Pong(self.app, resp.status_code, name=str(status.get("instanceName") or status.get("appName") or ""),
                    version=str(status.get("version") or ""))

    def health(self) -> list[HealthItem]:
        return self._parse_list(HealthItem, self._get("health"))

    # ---- raw listings (wire format, streamed) ---------------------------------------------------
    def stream_listing(self, resource: str, params: dict[str, Any] | None = None, *,
                       predictor: ElementPredictor | None = None) -> Iterator[tuple[Any, str]]:
        """``(element, element text)`` of a JSON array resource of this app's API, decoded while it
        arrives; elements ``predictor`` recognises come out as its token, undecoded."""
        return stream_json_array(self.http, self._path(resource), params, predictor=predictor)

    def stream_items(self, *, predictor: ElementPredictor | None = None) -> Iterator[tuple[Any, str]]:
        """Every main item (movie, series or artist) in the wire format."""
        return self.stream_listing(self.media, predictor=predictor)

    def item_text(self, item_id: int) -> str:
        """The JSON text of one main item, as the server sent it."""
        return self.http.request("GET", self._path(f"{self.media}/{int(item_id)}"),
                                 headers={"Accept": "application/json"}).text

    def item_document(self, item_id: int) -> Any:
        """One main item's full resource (wire names), to edit and :meth:`replace_item`."""
        return self._get(f"{self.media}/{int(item_id)}")

    def replace_item(self, item_id: int, document: dict[str, Any]) -> Any:
        """PUT the full resource back, without moving files."""
        return self._send("PUT", f"{self.media}/{int(item_id)}", params={"moveFiles": "false"}, body=document)

    def move_item(self, item_id: int, document: dict[str, Any]) -> Any:
        """PUT the full resource back with ``moveFiles=true``: the *arr moves the folder to ``document["path"]``."""
        return self._send("PUT", f"{self.media}/{int(item_id)}", params={"moveFiles": "true"}, body=document)

    def tag_labels(self) -> dict[int, str]:
        """Tag id → label, skipping entries without an id (lenient, unlike :meth:`tags`)."""
        raw = self._get("tag") or []
        return {int(t["id"]): str(t.get("label") or "") for t in raw if isinstance(t, dict) and "id" in t}

    def image(self, url: str) -> tuple[bytes, str]:
        """An image the server serves (``/MediaCover/…``) → bytes and content type."""
        resp = self.http.request("GET", url, headers={"Accept": "image/*"})
        return resp.content, resp.headers.get("content-type", "image/jpeg")

    @property
    def exclusion_endpoint(self) -> str:
        """The API path of this app's import (list) exclusions."""
        return self._path(self.exclusion_path)

    # ---- tags --------------------------------------------------------------------------------
    def tags(self) -> list[Tag]:
        return self._parse_list(Tag, self._get("tag"))

    def create_tag(self, label: str) -> Tag:
        return self._parse(Tag, self._send("POST", "tag", body={"label": label}))

    @staticmethod
    def normalise_tag(label: str) -> str:
        """What the server will store: lower case, only ``a-z0-9-`` (other runs become ``-``)."""
        return TAG_RE.sub("-", label.strip().lower()).strip("-")

    def ensure_tag(self, label: str) -> Tag:
        """The tag with this (normalised) label, created when missing."""
        wanted = self.normalise_tag(label)
        if not wanted:
            raise ValueError(f"tag label {label!r} has no usable characters")
        for tag in self.tags():
            if tag.label == wanted:
                return tag
        return self.create_tag(wanted)

    def tagged_ids(self, tag_id: int) -> list[int]:
        """Ids of the main items carrying the tag (``tag/detail/{id}``: no full listing needed)."""
        data = self._get(f"tag/detail/{int(tag_id)}")
        if not isinstance(data, dict):
            raise BadResponse("expected a tag detail object", service=self.http.service)
        return [int(i) for i in data.get(self.ids_key) or []]

    def edit_tags(self, item_ids: Iterable[int], tag_ids: Iterable[int], mode: str = "add") -> Any:
        """Bulk editor: ``mode`` add | remove | replace."""
        if mode not in ("add", "remove", "replace"):
            raise ValueError("mode must be add, remove or replace")
        body = {self.ids_key: list(item_ids), "tags": list(tag_ids), "applyTags": mode}
        return self._send("PUT", f"{self.media}/editor", body=body)

    def move_to_root_folder(self, item_ids: Iterable[int], root_folder: str, *, move_files: bool = True) -> Any:
        """Bulk editor move; the same root re-applies the naming scheme to the folders."""
        return self._send("PUT", f"{self.media}/editor", body={self.ids_key: list(item_ids),
                                                               "rootFolderPath": root_folder, "moveFiles": move_files})

    # ---- library basics ----------------------------------------------------------------------
    def root_folders(self) -> list[RootFolder]:
        return self._parse_list(RootFolder, self._get("rootfolder"))

    def quality_profiles(self) -> list[QualityProfile]:
        return self._parse_list(QualityProfile, self._get("qualityprofile"))

    def delete(self, item_id: int, *, delete_files: bool = False, add_exclusion: bool = False) -> None:
        params = {"deleteFiles": str(delete_files).lower(), self.exclusion_flag: str(add_exclusion).lower()}
        self._send("DELETE", f"{self.media}/{item_id}", params=params)

    # ---- wanted lists and the download queue (paged: one page in memory at a time) -----------
    wanted_include: ClassVar[str | None] = None           # the flag that embeds the parent item

    def iter_wanted(self, kind: str, *, page_size: int = 250) -> Iterator[dict[str, Any]]:
        """Monitored records of ``wanted/missing`` or ``wanted/cutoff`` (wire names), page by page."""
        if kind not in ("missing", "cutoff"):
            raise ValueError("kind must be missing or cutoff")
        extra = {self.wanted_include: "true"} if self.wanted_include else {}
        return self.paged(f"wanted/{kind}", page_size=page_size, monitored="true", **extra)

    def iter_queue(self, *, page_size: int = 250) -> Iterator[dict[str, Any]]:
        """Download-queue records (wire names, with ``customFormatScore``), page by page."""
        return self.paged("queue", page_size=page_size)

    # ---- commands ----------------------------------------------------------------------------
    def post_command(self, name: str, **args: Any) -> Command:
        return self._parse(Command, self._send("POST", "command", body={"name": name, **args}))

    def command(self, command_id: int) -> Command:
        return self._parse(Command, self._get(f"command/{command_id}"))

    def wait_for_command(self, command: Command | int, *, timeout: float = 600.0, poll: float = 5.0,
                         sleep: Callable[[float], None] = time.sleep,
                         clock: Callable[[], float] = time.monotonic) -> Command:
        """Poll until the command is done; returns it (check ``.succeeded``).

        Raises :class:`BadResponse` when it is still running after ``timeout`` seconds.
        """
        command_id = command.id if isinstance(command, Command) else int(command)
        deadline = clock() + timeout
        while True:
            current = self.command(command_id)
            if current.done:
                return current
            if clock() >= deadline:
                raise BadResponse(f"command {current.name} ({command_id}) still {current.status} after {timeout:g}s",
                                  service=self.http.service)
            sleep(poll)

    def run_command(self, name: str, *, timeout: float = 600.0, poll: float = 5.0, **args: Any) -> Command:
        return self.wait_for_command(self.post_command(name, **args), timeout=timeout, poll=poll)

    def rename(self, item_ids: Iterable[int]) -> Command:
        return self.post_command(self.rename_command, **{self.ids_key: list(item_ids)})

    def refresh(self, item_ids: Iterable[int] | None = None) -> Command:
        return self.post_command(self.refresh_command, **({self.ids_key: list(item_ids)} if item_ids is not None else {}))

    def rescan(self, item_ids: Iterable[int]) -> list[Command]:
        """Rescan the items' folders on disk (the command differs per app: see the subclasses)."""
        raise NotImplementedError

    # ---- exclusions --------------------------------------------------------------------------
    def _add_exclusion(self, body: dict[str, Any]) -> Exclusion:
        return self._exclusion(self._send("POST", self.exclusion_path, body=body))

    def _exclusion(self, data: dict[str, Any]) -> Exclusion:
        try:
            year = data.get(self.exclusion_year_field) if self.exclusion_year_field else None
            return Exclusion(id=data["id"], external_id=str(data[self.exclusion_id_field]),
                             title=data.get(self.exclusion_title_field) or "", year=year)
        except (KeyError, TypeError):
            raise BadResponse("unexpected exclusion shape", service=self.http.service) from None

    def exclusions(self) -> list[Exclusion]:
        data = self._get(self.exclusion_path)
        if not isinstance(data, list):
            raise BadResponse("expected a list of exclusions", service=self.http.service)
        return [self._exclusion(item) for item in data]

    def delete_exclusion(self, exclusion_id: int) -> None:
        self._send("DELETE", f"{self.exclusion_path}/{exclusion_id}")


# ---- Radarr ------------------------------------------------------------------------------------
class RadarrClient(ArrClient):
    app = "radarr"
    api = "/api/v3"
    media = "movie"
    ids_key = "movieIds"
    exclusion_path = "exclusions"          # NOT importlistexclusion: that 404s on Radarr
    exclusion_flag = "addImportExclusion"
    exclusion_year_field = "movieYear"

    def movies(self, *, tmdb_id: int | None = None) -> list[Movie]:
        return self._parse_list(Movie, self._get("movie", tmdbId=tmdb_id))

    def movie(self, movie_id: int) -> Movie:
        return self._parse(Movie, self._get(f"movie/{movie_id}"))

    def movie_by_tmdb(self, tmdb_id: int) -> Movie | None:
        found = self.movies(tmdb_id=tmdb_id)
        return found[0] if found else None

    def movie_files(self, movie_ids: Iterable[int]) -> list[MediaFile]:
        ids = list(movie_ids)
        if not ids:
            return []
        return self._parse_list(MediaFile, self._get("moviefile", movieId=ids))

    def delete_movie_file(self, file_id: int) -> None:
        self._send("DELETE", f"moviefile/{file_id}")

    def rename_preview(self, movie_ids: Iterable[int]) -> list[RenamePreview]:
        ids = list(movie_ids)
        if not ids:
            return []
        return self._parse_list(RenamePreview, self._get("rename", movieId=ids))

    def search(self, movie_ids: Iterable[int]) -> Command:
        return self.post_command("MoviesSearch", movieIds=list(movie_ids))

    def rescan(self, item_ids: Iterable[int]) -> list[Command]:
        return [self.post_command("RescanMovie", movieIds=list(item_ids))]

    def wanted_missing(self, *, page_size: int = 250) -> list[Movie]:
        return [self._parse(Movie, r) for r in self.paged("wanted/missing", page_size=page_size, monitored="true")]

    def wanted_cutoff(self, *, page_size: int = 250) -> list[Movie]:
        return [self._parse(Movie, r) for r in self.paged("wanted/cutoff", page_size=page_size, monitored="true")]

    def add_exclusion(self, tmdb_id: int, title: str = "", year: int = 0) -> Exclusion:
        return self._add_exclusion({"tmdbId": tmdb_id, "movieTitle": title, "movieYear": year})


# ---- Sonarr ------------------------------------------------------------------------------------
class SonarrClient(ArrClient):
    app = "sonarr"
    api = "/api/v3"
    media = "series"
    ids_key = "seriesIds"
    exclusion_id_field = "tvdbId"
    exclusion_title_field = "title"
    rename_command = "RenameSeries"
    refresh_command = "RefreshSeries"
    wanted_include = "includeSeries"

    def series(self, *, tvdb_id: int | None = None) -> list[Series]:
        return self._parse_list(Series, self._get("series", tvdbId=tvdb_id))

    def series_by_id(self, series_id: int) -> Series:
        return self._parse(Series, self._get(f"series/{series_id}"))

    def episodes(self, series_id: int, *, season_number: int | None = None) -> list[Episode]:
        return self._parse_list(Episode, self._get("episode", seriesId=series_id, seasonNumber=season_number))

    def episode_files(self, series_id: int) -> list[MediaFile]:
        return self._parse_list(MediaFile, self._get("episodefile", seriesId=series_id))

    def delete_episode_files(self, file_ids: Iterable[int]) -> None:
        self._send("DELETE", "episodefile/bulk", body={"episodeFileIds": list(file_ids)})

    def rename_preview(self, series_id: int, *, season_number: int | None = None) -> list[RenamePreview]:
        return self._parse_list(RenamePreview, self._get("rename", seriesId=series_id, seasonNumber=season_number))

    def search(self, series_id: int) -> Command:
        return self.post_command("SeriesSearch", seriesId=int(series_id))  # one id, never a list

    def search_season(self, series_id: int, season_number: int) -> Command:
        return self.post_command("SeasonSearch", seriesId=int(series_id), seasonNumber=int(season_number))

    def search_episodes(self, episode_ids: Iterable[int]) -> Command:
        return self.post_command("EpisodeSearch", episodeIds=list(episode_ids))

    def rescan(self, item_ids: Iterable[int]) -> list[Command]:
        return [self.post_command("RescanSeries", seriesId=int(i)) for i in item_ids]  # one id per command

    def stream_episodes(self, series_id: int) -> Iterator[tuple[Any, str]]:
        """Every episode of a series in the wire format."""
        return self.stream_listing("episode", {"seriesId": int(series_id)})

    def add_exclusion(self, tvdb_id: int, title: str = "") -> Exclusion:
        return self._add_exclusion({"tvdbId": tvdb_id, "title": title})


# ---- Lidarr ------------------------------------------------------------------------------------
class LidarrClient(ArrClient):
    app = "lidarr"
    api = "/api/v1"
    media = "artist"
    ids_key = "artistIds"
    exclusion_id_field = "foreignId"
    exclusion_title_field = "artistName"
    rename_command = "RenameArtist"
    refresh_command = "RefreshArtist"
    wanted_include = "includeArtist"

    def artists(self, *, mbid: str | None = None) -> list[Artist]:
        return self._parse_list(Artist, self._get("artist", mbId=mbid))

    def artist(self, artist_id: int) -> Artist:
        return self._parse(Artist, self._get(f"artist/{artist_id}"))

    def albums(self, artist_id: int) -> list[Album]:
        return self._parse_list(Album, self._get("album", artistId=artist_id))

    def search(self, artist_id: int) -> Command:
        return self.post_command("ArtistSearch", artistId=int(artist_id))  # one id, never a list

    def search_albums(self, album_ids: Iterable[int]) -> Command:
        return self.post_command("AlbumSearch", albumIds=list(album_ids))

    def rescan(self, item_ids: Iterable[int]) -> list[Command]:
        return [self.post_command("RescanFolders")]  # Lidarr rescans whole root folders

    def stream_albums(self, artist_id: int | None = None) -> Iterator[tuple[Any, str]]:
        """Every album (of one artist, when given) in the wire format."""
        return self.stream_listing("album", {"artistId": int(artist_id)} if artist_id is not None else None)

    def add_exclusion(self, foreign_id: str, name: str = "") -> Exclusion:
        return self._add_exclusion({"foreignId": foreign_id, "artistName": name})


CLIENTS: dict[str, type[ArrClient]] = {"radarr": RadarrClient, "sonarr": SonarrClient, "lidarr": LidarrClient}


def client_for(app: str, url: str, api_key: str, **kwargs: Any) -> ArrClient:
    """The client class for ``app`` (radarr | sonarr | lidarr)."""
    try:
        return CLIENTS[app.lower()](url, api_key, **kwargs)
    except KeyError:
        raise ValueError(f"unknown *arr app {app!r}") from None


def detect(url: str, api_key: str, **kwargs: Any) -> ArrClient:
    """Connect to an unknown *arr: ``/api/v3/system/status`` (Radarr/Sonarr) then ``/api/v1`` (Lidarr)."""
    for cls in (RadarrClient, LidarrClient):
        client = cls(url, api_key, **kwargs)
        try:
            app = client.system_status().app_name.lower()
        except NotFound:
            client.close()
            continue
        except ConnectorError:
            client.close()
            raise
        client.close()
        if app in CLIENTS:
            return client_for(app, url, api_key, **kwargs)
    raise NotFound("no Radarr, Sonarr or Lidarr API at this URL", service="arr")
