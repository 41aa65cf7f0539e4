"""The shared, seeded, deterministic SAMPLE LIBRARY every simulator serves.

One :class:`SampleLibrary` describes a whole home media stack: movies (Radarr/Plex/Jellyfin/TMDB),
shows with seasons and episodes (Sonarr/TVDB), artists with albums (Lidarr), their tags, root
folders, quality profiles and the artwork each metadata provider offers.

* ``SampleLibrary.generate(seed=42, movies=50, ...)`` — same seed, same library, byte for byte.
* ``SampleLibrary.demo()`` — ≈50 movies / 10 shows / 5 artists; the hand-picked nasty titles
  (leading articles, ``:`` ``&`` ``'`` ``?`` ``/`` ``*``, Japanese, Russian, Arabic, Hebrew,
  Chinese, Korean, remakes sharing a title, collections) come first, generated ones fill up.
* ``SampleLibrary.bench()`` — 100,000 movies + 10,000 shows for benchmarks. Artwork lists are
  materialised lazily (:class:`ArtworkList`) and image bytes are rendered on demand by
  :mod:`curatarr.sims.images`, so the big library stays small in memory.
* ``lib.for_instance("radarr_4k")`` — a deterministic per-instance copy (see its docstring), so
  two Radarr simulators differ the way real ones do. Simulators mutate only their own copy.

Folder names follow Kometa/Radarr conventions: ``Title (Year) {tmdb-123}``, ``{tvdb-456}``, a few
``[tvdb-456]``, ``{imdb-tt…} {tmdb-…}`` and id-less ones.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
import zlib
from collections.abc import Iterator, MutableSequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any, Callable, Union


# ISO 639-1 code -> (Radarr/Sonarr language id, English name).
LANGUAGES: dict[str, tuple[int, str]] = {
    "en": (1, "English"), "fr": (2, "French"), "es": (3, "Spanish"), "de": (4, "German"),
    "it": (5, "Italian"), "ja": (8, "Japanese"), "zh": (10, "Chinese"), "ru": (11, "Russian"),
    "ko": (21, "Korean"), "he": (23, "Hebrew"), "ar": (31, "Arabic"),
}
ARTWORK_KINDS = ("poster", "background", "logo", "season", "still", "clearart")
# Providers mark "no language" differently: TMDB null (sometimes "xx"), Fanart "00", TVDB null.
TEXTLESS_LANGUAGES = (None, "xx")


@dataclass(frozen=True, slots=True)
class Artwork:
    """One image a provider offers. Bytes are rendered on demand (``images.render_artwork``)."""

    kind: str                 # poster | background | logo | season | still | clearart
    language: str | None      # None / "xx" = no language (textless); else ISO 639-1
    width: int
    height: int
    has_text: bool
    vote_average: float       # TMDB-style 0..10
    vote_count: int
    likes: int                # Fanart-style
    seed: int                 # drives the procedural image
    provider_id: str          # stable id; TMDB file_path is "/<provider_id>.<ext>"
    season_number: int | None = None  # for kind "season" (and stills)

    @property
    def extension(self) -> str:
        return "png" if self.kind in ("logo", "clearart") else "jpg"

    @property
    def file_path(self) -> str:
        return f"/{self.provider_id}.{self.extension}"

    @property
    def mime_type(self) -> str:
        return "image/png" if self.extension == "png" else "image/jpeg"


class ArtworkList(MutableSequence):
    """A list of :class:`Artwork` that is generated on first access (keeps ``bench()`` light)."""

    __slots__ = ("_items", "_lazy")

    def __init__(self, items: list[Artwork] | None = None, *,
                 lazy: tuple[Callable[..., list[Artwork]], tuple] | None = None):
        self._items: list[Artwork] | None = list(items) if items is not None else None
        self._lazy = lazy if items is None else None
        if self._items is None and self._lazy is None:
            self._items = []

    def _load(self) -> list[Artwork]:
        if self._items is None:
            func, args = self._lazy  # type: ignore[misc]
            self._items, self._lazy = func(*args), None
        return self._items

    def __getitem__(self, index):
        return self._load()[index]

    def __setitem__(self, index, value) -> None:
        self._load()[index] = value

    def __delitem__(self, index) -> None:
        del self._load()[index]

    def __len__(self) -> int:
        return len(self._load())

    def __iter__(self) -> Iterator[Artwork]:
        return iter(self._load())

    def insert(self, index: int, value: Artwork) -> None:
        self._load().insert(index, value)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, ArtworkList)) else NotImplemented

    def __repr__(self) -> str:
        return f"ArtworkList({self._load()!r})" if self._items is not None else "ArtworkList(<lazy>)"

    def copy(self) -> "ArtworkList":
        if self._items is None:
            return ArtworkList(lazy=self._lazy)
        return ArtworkList(list(self._items))

    def of_kind(self, kind: str) -> list[Artwork]:
        return [a for a in self._load() if a.kind == kind]


@dataclass(frozen=True, slots=True)
class Ratings:
    """Compact ratings (one object, not nested dicts: the bench library has 110k of them)."""

    imdb: float
    imdb_votes: int
    tmdb: float
    tmdb_votes: int
    rotten_tomatoes: int  # percent

    def as_dict(self) -> dict[str, dict[str, float]]:
        """The *arr wire shape: ``{"imdb": {"value", "votes", "type"}, ...}``."""
        return {
            "imdb": {"votes": self.imdb_votes, "value": self.imdb, "type": "user"},
            "tmdb": {"votes": self.tmdb_votes, "value": self.tmdb, "type": "user"},
            "rottenTomatoes": {"votes": 0, "value": float(self.rotten_tomatoes), "type": "user"},
        }


@dataclass(frozen=True, slots=True)
class Collection:
    tmdb_id: int
    name: str


@dataclass(frozen=True, slots=True)
class RootFolder:
    id: int
    path: str
    media: str          # movie | show | artist
    free_space: int


@dataclass(frozen=True, slots=True)
class QualityProfile:
    id: int
    name: str
    cutoff: str


@dataclass(slots=True)
class Movie:
    id: int
    title: str
    original_title: str
    sort_title: str
    year: int
    tmdb_id: int
    imdb_id: str | None
    alternate_titles: list[str]
    tags: list[int]
    root_folder: str
    path: str
    folder_name: str
    genres: list[str]
    certification: str
    studio: str
    runtime: int
    ratings: Ratings                       # imdb / tmdb / rottenTomatoes; .as_dict() for the wire
    added: str                             # ISO-8601 UTC with Z
    monitored: bool
    has_file: bool
    size_on_disk: int
    status: str                            # released | inCinemas | announced | tba | deleted
    quality: str                           # e.g. "Bluray-1080p"
    collection: Collection | None
    original_language: str                 # ISO 639-1
    artworks: ArtworkList
    plex_rating_key: int
    jellyfin_id: str                       # 32 hex
    removed_from_tmdb: bool = False
    overview: str = ""
    quality_profile_id: int = 4
    file_id: int | None = None
    file_name: str | None = None           # relative to ``path``
    release_group: str | None = None


@dataclass(slots=True)
class Episode:
    id: int
    season_number: int
    episode_number: int
    title: str
    tvdb_id: int
    air_date: str                          # YYYY-MM-DD
    has_file: bool
    path: str | None                       # absolute path of the file (None without file)
    artworks: ArtworkList
    plex_rating_key: int
    jellyfin_id: str
    file_id: int | None = None
    size: int = 0
    quality: str | None = None
    monitored: bool = True
    runtime: int = 45


@dataclass(slots=True)
class Season:
    number: int                            # 0 = specials
    episodes: list[Episode]
    artworks: ArtworkList
    plex_rating_key: int
    jellyfin_id: str
    monitored: bool = True


@dataclass(slots=True)
class Show:
    id: int
    title: str
    original_title: str
    sort_title: str
    year: int
    tvdb_id: int
    tmdb_id: int
    imdb_id: str | None
    alternate_titles: list[str]
    tags: list[int]
    root_folder: str
    path: str
    folder_name: str
    genres: list[str]
    certification: str
    network: str
    runtime: int
    ratings: Ratings
    added: str
    monitored: bool
    status: str                            # continuing | ended | upcoming | deleted
    ended: bool
    series_type: str                       # standard | daily | anime
    original_language: str
    seasons: list[Season]
    artworks: ArtworkList
    plex_rating_key: int
    jellyfin_id: str
    removed_from_tvdb: bool = False
    overview: str = ""
    quality_profile_id: int = 4

    def episodes(self) -> Iterator[Episode]:
        for season in self.seasons:
            yield from season.episodes


@dataclass(slots=True)
class Album:
    id: int
    title: str
    musicbrainz_id: str
    year: int
    release_date: str                      # ISO-8601 UTC
    album_type: str                        # Album | EP | Single | Live | Compilation
    genres: list[str]
    artworks: ArtworkList
    plex_rating_key: int
    jellyfin_id: str
    artist_id: int
    track_count: int = 10
    track_file_count: int = 10
    monitored: bool = True
    size_on_disk: int = 0


@dataclass(slots=True)
class Artist:
    id: int
    name: str
    sort_name: str
    musicbrainz_id: str
    albums: list[Album]
    root_folder: str
    path: str
    folder_name: str
    genres: list[str]
    tags: list[int]
    artist_type: str                       # Group | Person
    status: str                            # continuing | ended
    added: str
    monitored: bool
    artworks: ArtworkList
    plex_rating_key: int
    jellyfin_id: str
    disambiguation: str = ""
    overview: str = ""


Item = Union[Movie, Show, Season, Episode, Artist, Album]


def primary_artwork(artworks: ArtworkList | list[Artwork], kind: str = "poster") -> Artwork | None:
    """The artwork a server would currently show: first English one of ``kind``, else the first."""
    first = None
    for art in artworks:
        if art.kind != kind:
            continue
        if art.language == "en":
            return art
        first = first or art
    return first


def sort_title(title: str) -> str:
    """Radarr/Sonarr-style sort title: lower case, leading English article dropped."""
    lowered = title.lower()
    for article in ("the ", "a ", "an "):
        if lowered.startswith(article):
            return lowered[len(article):]
    return lowered


def clean_title(title: str) -> str:
    """*arr ``cleanTitle``: lower case letters and digits only (any script)."""
    return "".join(ch for ch in title.lower() if ch.isalnum())


def folder_safe(title: str) -> str:
    """Title as *arr writes it into a folder or file name (smart colon replacement)."""
    out = title.replace(": ", " - ").replace(":", "-").replace("/", "+")
    for ch in '\\*?"<>|':
        out = out.replace(ch, "")
    return " ".join(out.split()).rstrip(". ")


@dataclass(slots=True)
class SampleLibrary:
    """A whole sample media stack. Build with :meth:`generate`, :meth:`demo` or :meth:`bench`."""

    seed: int
    movies: list[Movie]
    shows: list[Show]
    artists: list[Artist]
    tags: dict[int, str]
    root_folders: list[RootFolder]
    quality_profiles: list[QualityProfile]
    instance: str | None = None
    _index: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False)

    # ---- construction ------------------------------------------------------------------------
    @classmethod
    def generate(cls, seed: int = 42, movies: int = 50, shows: int = 10, artists: int = 5,
                 seasons: tuple[int, int] = (1, 4), episodes: tuple[int, int] = (4, 10)) -> "SampleLibrary":
        """Build a library. Same arguments ⇒ identical library (no global random state used)."""
        from curatarr.sims import library_gen as _gen  # generation code lives apart (size)

        data = _load_seed_titles()
        return cls(**_gen.build(data, seed=seed, movies=movies, shows=shows, artists=artists,
                                seasons=seasons, episodes=episodes))

    @classmethod
    def demo(cls, seed: int = 42) -> "SampleLibrary":
        """≈50 movies, ≈10 shows, ≈5 artists: the library `curatarr demo` and most tests use."""
        return cls.generate(seed=seed, movies=50, shows=10, artists=5)

    @classmethod
    def bench(cls, seed: int = 42) -> "SampleLibrary":
        """100,000 movies + 10,000 shows (seasons and episodes included) for benchmarks."""
        return cls.generate(seed=seed, movies=100_000, shows=10_000, artists=200,
                            seasons=(1, 4), episodes=(4, 10))

    # ---- per-instance views ------------------------------------------------------------------
    def for_instance(self, instance: str | None) -> "SampleLibrary":
        """A private, deterministic copy for one simulator instance.

        * Names containing ``4k`` or ``uhd`` (e.g. ``radarr_4k``) hold a 4K copy of ~30% of the
          movies and shows (chosen by hashing instance name + tmdb/tvdb id): same tmdb/tvdb/imdb
          ids and Plex/Jellyfin keys, but ids renumbered from 1, 2160p qualities, root folders
          ``/data/movies-4k`` / ``/data/tv-4k``, the ``4k`` tag, and no artists. These are the
          "exact duplicates across instances" duplicate finders must spot.
        * Any other name (``radarr``, ``sonarr``, ``plex``, ``radarr2`` …) gets the full library.
        The copy can be mutated freely without affecting this library or other instances.
        """
        name = (instance or "").lower()
        if "4k" in name or "uhd" in name:
            from curatarr.sims import library_gen as _gen

            return _gen.four_k_copy(self, name)
        lib = self.copy()
        lib.instance = instance
        return lib

    def copy(self) -> "SampleLibrary":
        """Deep enough copy for simulators to mutate (items, tags, seasons, episodes)."""
        return SampleLibrary(
            seed=self.seed,
            movies=[copy_movie(m) for m in self.movies],
            shows=[copy_show(s) for s in self.shows],
            artists=[copy_artist(a) for a in self.artists],
            tags=dict(self.tags),
            root_folders=list(self.root_folders),
            quality_profiles=list(self.quality_profiles),
            instance=self.instance,
        )

    # ---- lookups -----------------------------------------------------------------------------
    def _lookup(self, name: str, build: Callable[[], dict[Any, Any]]) -> dict[Any, Any]:
        table = self._index.get(name)
        if table is None:
            table = self._index[name] = build()
        return table

    def reindex(self) -> None:
        """Drop lookup caches (call after adding/removing items)."""
        self._index.clear()

    def movie(self, movie_id: int) -> Movie | None:
        return self._lookup("movie", lambda: {m.id: m for m in self.movies}).get(movie_id)

    def show(self, show_id: int) -> Show | None:
        return self._lookup("show", lambda: {s.id: s for s in self.shows}).get(show_id)

    def artist(self, artist_id: int) -> Artist | None:
        return self._lookup("artist", lambda: {a.id: a for a in self.artists}).get(artist_id)

    def movie_by_tmdb(self, tmdb_id: int) -> Movie | None:
        return self._lookup("tmdb_movie", lambda: {m.tmdb_id: m for m in self.movies}).get(tmdb_id)

    def movie_by_imdb(self, imdb_id: str) -> Movie | None:
        return self._lookup("imdb_movie", lambda: {m.imdb_id: m for m in self.movies if m.imdb_id}).get(imdb_id)

    def show_by_tvdb(self, tvdb_id: int) -> Show | None:
        return self._lookup("tvdb_show", lambda: {s.tvdb_id: s for s in self.shows}).get(tvdb_id)

    def show_by_tmdb(self, tmdb_id: int) -> Show | None:
        return self._lookup("tmdb_show", lambda: {s.tmdb_id: s for s in self.shows}).get(tmdb_id)

    def artist_by_mbid(self, mbid: str) -> Artist | None:
        return self._lookup("mbid_artist", lambda: {a.musicbrainz_id: a for a in self.artists}).get(mbid)

    def episode(self, episode_id: int) -> tuple[Show, Episode] | None:
        return self._lookup("episode", lambda: {e.id: (s, e) for s in self.shows for e in s.episodes()}).get(episode_id)

    def by_rating_key(self, key: int) -> Item | None:
        """Movie/Show/Season/Episode/Artist/Album by Plex rating key."""
        return self._lookup("plex", lambda: {i.plex_rating_key: i for i in self.all_items()}).get(int(key))

    def by_jellyfin_id(self, item_id: str) -> Item | None:
        """Movie/Show/Season/Episode/Artist/Album by Jellyfin/Emby item id (32 hex, any case)."""
        table = self._lookup("jellyfin", lambda: {i.jellyfin_id: i for i in self.all_items()})
        return table.get(item_id.replace("-", "").lower())

    def all_items(self) -> Iterator[Item]:
        """Every item, parents before children."""
        for movie in self.movies:
            yield movie
        for show in self.shows:
            yield show
            for season in show.seasons:
                yield season
                yield from season.episodes
        for artist in self.artists:
            yield artist
            yield from artist.albums

    def iter_episodes(self) -> Iterator[tuple[Show, Season, Episode]]:
        for show in self.shows:
            for season in show.seasons:
                for ep in season.episodes:
                    yield show, season, ep

    def tag_id(self, label: str) -> int | None:
        for tag_id, tag_label in self.tags.items():
            if tag_label == label:
                return tag_id
        return None

    def stats(self) -> dict[str, int]:
        return {
            "movies": len(self.movies),
            "shows": len(self.shows),
            "seasons": sum(len(s.seasons) for s in self.shows),
            "episodes": sum(len(se.episodes) for s in self.shows for se in s.seasons),
            "artists": len(self.artists),
            "albums": sum(len(a.albums) for a in self.artists),
        }


# ---- copying (used by for_instance and simulators) ----------------------------------------------
def copy_movie(m: Movie, **changes: Any) -> Movie:
    fresh = {"tags": list(m.tags), "alternate_titles": list(m.alternate_titles), "genres": list(m.genres),
             "artworks": m.artworks.copy()}
    return replace(m, **{**fresh, **changes})


def copy_show(s: Show, **changes: Any) -> Show:
    seasons = [replace(se, episodes=[replace(e, artworks=e.artworks.copy()) for e in se.episodes],
                       artworks=se.artworks.copy()) for se in s.seasons]
    fresh = {"tags": list(s.tags), "alternate_titles": list(s.alternate_titles), "genres": list(s.genres),
             "seasons": seasons, "artworks": s.artworks.copy()}
    return replace(s, **{**fresh, **changes})


def copy_artist(a: Artist, **changes: Any) -> Artist:
    albums = [replace(al, artworks=al.artworks.copy(), genres=list(al.genres)) for al in a.albums]
    fresh = {"tags": list(a.tags), "genres": list(a.genres), "albums": albums, "artworks": a.artworks.copy()}
    return replace(a, **{**fresh, **changes})


# ---- helpers shared with library_gen --------------------------------------------------------------
_SEED_TITLES: dict[str, Any] | None = None


def _load_seed_titles() -> dict[str, Any]:
    global _SEED_TITLES
    if _SEED_TITLES is None:
        text = resources.files("curatarr.sims").joinpath("data/sample_titles.json").read_text("utf-8")
        _SEED_TITLES = json.loads(text)
    return _SEED_TITLES


def stable_int(*parts: object) -> int:
    """Deterministic 32-bit number from parts (Python's hash() is salted per process)."""
    return zlib.crc32(":".join(map(str, parts)).encode())


def stable_hex(*parts: object) -> str:
    """Deterministic 32-hex id (Jellyfin item ids, API keys)."""
    return hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()


def stable_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


EPOCH = datetime(2019, 1, 1, tzinfo=timezone.utc)


def iso_from_offset(seconds: int) -> str:
    return (EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
