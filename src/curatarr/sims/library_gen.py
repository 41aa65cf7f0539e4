"""Generation code behind :class:`curatarr.sims.library.SampleLibrary` (kept apart for size).

Everything is driven by ``random.Random`` instances seeded from the library seed (plus an item id
for the lazily generated artwork lists), so output never depends on global state or on the order
in which artwork lists are first touched.
"""

from __future__ import annotations

import random
from typing import Any

from curatarr.sims.library import (
    LANGUAGES,
    Album,
    Artist,
    Artwork,
    ArtworkList,
    Collection,
    Episode,
    Movie,
    QualityProfile,
    Ratings,
    RootFolder,
    SampleLibrary,
    Season,
    Show,
    copy_movie,
    copy_show,
    folder_safe,
    iso_from_offset,
    sort_title,
    stable_hex,
    stable_int,
    stable_uuid,
)

TAGS = {1: "4k", 2: "kids", 3: "anime", 4: "keep", 5: "upgrade-me", 6: "hdr"}
QUALITY_PROFILES = [
    QualityProfile(1, "Any", "SDTV"), QualityProfile(2, "SD", "DVD"),
    QualityProfile(3, "HD-720p", "Bluray-720p"), QualityProfile(4, "HD-1080p", "Bluray-1080p"),
    QualityProfile(5, "Ultra-HD", "Remux-2160p"), QualityProfile(6, "HD - 720p/1080p", "Bluray-720p"),
]
ROOT_FOLDERS = [
    RootFolder(1, "/data/movies", "movie", 4_398_046_511_104),
    RootFolder(2, "/data/documentaries", "movie", 4_398_046_511_104),
    RootFolder(3, "/data/tv", "show", 2_199_023_255_552),
    RootFolder(4, "/data/anime", "show", 2_199_023_255_552),
    RootFolder(5, "/data/music", "artist", 1_099_511_627_776),
]
ROOT_FOLDERS_4K = [
    RootFolder(1, "/data/movies-4k", "movie", 8_796_093_022_208),
    RootFolder(2, "/data/tv-4k", "show", 8_796_093_022_208),
]
QUALITIES = ["Bluray-1080p", "WEBDL-1080p", "Bluray-720p", "Remux-1080p", "WEBRip-1080p", "DVD", "HDTV-720p"]
QUALITY_WEIGHTS = [35, 30, 10, 8, 8, 5, 4]
QUALITIES_4K = ["Remux-2160p", "Bluray-2160p", "WEBDL-2160p"]
TV_QUALITIES = ["WEBDL-1080p", "HDTV-1080p", "Bluray-1080p", "HDTV-720p", "WEBDL-720p"]
GROUPS = ["GRP", "SPARKS", "FLUX", "NTb", "EVO", "KiNGS", "playWEB", None]
CERTS = ["G", "PG", "PG-13", "R", "NR"]
TV_CERTS = ["TV-Y7", "TV-PG", "TV-14", "TV-MA"]
POSTER_SIZES = [(2000, 3000), (1000, 1500), (680, 1000), (1400, 2100)]
POSTER_SIZE_W = [50, 30, 15, 5]
BACKDROP_SIZES = [(3840, 2160), (1920, 1080), (1280, 720)]
STILL_SIZES = [(1920, 1080), (1280, 720)]
LOGO_SIZES = [(800, 310), (1000, 388), (400, 155)]
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
NON_LATIN = ["ja", "ru", "ar", "he", "zh"]


# ---- artwork ---------------------------------------------------------------------------------------
def _art(rng: random.Random, kind: str, language: str | None, size: tuple[int, int], *,
         has_text: bool | None = None, season: int | None = None) -> Artwork:
    votes = rng.choice((0, 0, 0, 1, 2, 3, 5, 8, 12, 20, 34))
    return Artwork(
        kind=kind, language=language, width=size[0], height=size[1],
        has_text=(language not in (None, "xx")) if has_text is None else has_text,
        vote_average=round(rng.uniform(4.0, 9.0), 3) if votes else 0.0,
        vote_count=votes, likes=rng.choice((0, 0, 1, 2, 3, 4, 6, 9, 15, 27)),
        seed=rng.getrandbits(31), provider_id="".join(rng.choices(ALNUM, k=27)), season_number=season,
    )


def _poster_language(rng: random.Random, original: str) -> str | None:
    roll = rng.random()
    if roll < 0.40:
        return "en"
    if roll < 0.55:
        return original
    if roll < 0.75:
        return None
    if roll < 0.80:
        return "xx"
    return rng.choice(("de", "fr", "es", "it", "ja"))


def movie_artworks(item_seed: int, original: str) -> list[Artwork]:
    rng = random.Random(item_seed)
    arts = [_art(rng, "poster", _poster_language(rng, original), rng.choices(POSTER_SIZES, POSTER_SIZE_W)[0])
            for _ in range(rng.randint(3, 8))]
    if not any(a.language == "en" for a in arts):  # a server normally shows an English poster
        arts.insert(0, _art(rng, "poster", "en", POSTER_SIZES[0]))
    for _ in range(rng.randint(2, 5)):
        lang = None if rng.random() < 0.7 else rng.choice(("en", original))
        arts.append(_art(rng, "background", lang, rng.choice(BACKDROP_SIZES)))
    for _ in range(rng.randint(0, 3)):
        arts.append(_art(rng, "logo", rng.choice(("en", "en", original)), rng.choice(LOGO_SIZES), has_text=True))
    if rng.random() < 0.4:
        arts.append(_art(rng, "clearart", "en", (1000, 562), has_text=True))
    return arts


def collection_artworks(collection_tmdb_id: int, kinds: tuple[str, ...]) -> list[Artwork]:
    """A TMDB collection's artwork of ``kinds``: the same images on TMDB and every media server."""
    return [a for a in movie_artworks(stable_int("collection", collection_tmdb_id), "en") if a.kind in kinds]


def show_artworks(item_seed: int, original: str) -> list[Artwork]:
    return movie_artworks(item_seed ^ 0x5EED, original)


def season_artworks(item_seed: int, original: str, season: int) -> list[Artwork]:
    rng = random.Random(item_seed)
    arts = [_art(rng, "season", _poster_language(rng, original), rng.choices(POSTER_SIZES, POSTER_SIZE_W)[0],
                 season=season) for _ in range(rng.randint(1, 4))]
    return arts


def episode_artworks(item_seed: int, season: int) -> list[Artwork]:
    rng = random.Random(item_seed)
    return [_art(rng, "still", None, rng.choice(STILL_SIZES), season=season) for _ in range(rng.randint(1, 2))]


def artist_artworks(item_seed: int) -> list[Artwork]:
    rng = random.Random(item_seed)
    arts = [_art(rng, "poster", None, (1000, 1000)) for _ in range(rng.randint(1, 3))]
    arts += [_art(rng, "background", None, rng.choice(BACKDROP_SIZES[1:])) for _ in range(rng.randint(1, 2))]
    arts.append(_art(rng, "logo", "en", rng.choice(LOGO_SIZES), has_text=True))
    return arts


def album_artworks(item_seed: int) -> list[Artwork]:
    rng = random.Random(item_seed)
    return [_art(rng, "poster", None, (1000, 1000), has_text=True) for _ in range(rng.randint(1, 2))]


# ---- titles ----------------------------------------------------------------------------------------
def _generated_title(rng: random.Random, w: dict[str, list[str]]) -> tuple[str, str, str]:
    """(title, original_title, original_language) for a generated item."""
    if rng.random() < 0.08:
        lang = rng.choice(NON_LATIN)
        words = w[lang]
        sep = "" if lang in ("ja", "zh") else " "
        original = sep.join(rng.sample(words, rng.randint(1, 2)))
        return f"The {rng.choice(w['adjectives'])} {rng.choice(w['nouns'])}", original, lang
    adj, noun, noun2 = rng.choice(w["adjectives"]), rng.choice(w["nouns"]), rng.choice(w["nouns"])
    pattern = rng.randrange(12)
    lang = "en"
    if pattern == 0:
        title = f"The {adj} {noun}"
    elif pattern == 1:
        title = f"{adj} {noun}"
    elif pattern == 2:
        title = f"{noun} of the {noun2}"
    elif pattern == 3:
        title = f"A {noun} in {rng.choice(w['places'])}"
    elif pattern == 4:
        title = f"{rng.choice(w['names'])}'s {noun}"
    elif pattern == 5:
        title = f"{noun}: {rng.choice(w['subtitles'])}"
    elif pattern == 6:
        title = f"{noun} & {noun2}"
    elif pattern == 7:
        title = f"Who Killed {rng.choice(w['names'])}?"
    elif pattern == 8:
        title = rng.choice(w["places"])
    elif pattern == 9:
        title, lang = f"{rng.choice(w['de_articles'])} {noun}", "de"
    elif pattern == 10:
        title, lang = f"{rng.choice(w['fr_articles'])} {rng.choice(w['names'])}", "fr"
    else:
        title = f"An {adj} {noun}" if adj[0] in "AEIOU" else f"The {noun}"
    return title, title, lang


def _ratings(rng: random.Random) -> Ratings:
    imdb = round(rng.uniform(3.5, 9.2), 1)
    return Ratings(imdb=imdb, imdb_votes=rng.randint(50, 2_500_000),
                   tmdb=round(min(10.0, max(0.0, imdb + rng.uniform(-0.8, 0.6))), 3),
                   tmdb_votes=rng.randint(5, 40_000), rotten_tomatoes=rng.randint(5, 100))


def _year(rng: random.Random) -> int:
    return int(1930 + 95 * (rng.random() ** 0.5))


class _Counter:
    def __init__(self, start: int):
        self.value = start - 1

    def __call__(self) -> int:
        self.value += 1
        return self.value


# ---- build -----------------------------------------------------------------------------------------
def build(data: dict[str, Any], *, seed: int, movies: int, shows: int, artists: int,
          seasons: tuple[int, int], episodes: tuple[int, int]) -> dict[str, Any]:
    rng = random.Random(seed)
    w = data["words"]
    plex_key = _Counter(1000)
    return {
        "seed": seed,
        "movies": _movies(rng, data, w, seed, movies, plex_key),
        "shows": _shows(rng, data, w, seed, shows, seasons, episodes, plex_key),
        "artists": _artists(rng, data, w, seed, artists, plex_key),
        "tags": dict(TAGS),
        "root_folders": list(ROOT_FOLDERS),
        "quality_profiles": list(QUALITY_PROFILES),
    }


def _movie_folder(title: str, year: int, tmdb: int, imdb: str | None, ids: list[str]) -> str:
    tags = [f"{{imdb-{imdb}}}" if k == "imdb" and imdb else f"{{tmdb-{tmdb}}}" for k in ids
            if k == "tmdb" or (k == "imdb" and imdb)]
    return " ".join([f"{folder_safe(title)} ({year})", *tags])


def _movies(rng: random.Random, data: dict[str, Any], w: dict[str, list[str]], seed: int, count: int,
            plex_key: _Counter) -> list[Movie]:
    anchors = data["movies"]
    out: list[Movie] = []
    next_tmdb = 900_000
    file_id = _Counter(1)
    collection: tuple[Collection, str, int] | None = None  # (collection, base title, parts left)
    for i in range(count):
        ident = i + 1
        if i < len(anchors):
            a = anchors[i]
            title, original, year, lang = a["t"], a.get("o", a["t"]), a["y"], a["lang"]
            tmdb, imdb, genres = a["tmdb"], a.get("imdb"), list(a["g"])
            studio, cert, alts = a["studio"], a["cert"], list(a.get("alt", []))
            coll = Collection(a["coll"][0], a["coll"][1]) if a.get("coll") else None
            ids = a.get("ids_in_folder", ["tmdb"])
        else:
            next_tmdb += rng.randint(1, 9)
            tmdb, year = next_tmdb, _year(rng)
            imdb = f"tt{9_000_000 + i:07d}" if rng.random() > 0.05 else None
            if collection and collection[2] > 0:
                coll, base, left = collection
                title = f"{base} {len(w['subtitles']) - left + 2}" if left % 2 else f"{base}: {rng.choice(w['subtitles'])}"
                original, lang = title, "en"
                collection = (coll, base, left - 1)
            else:
                title, original, lang = _generated_title(rng, w)
                coll = None
                if rng.random() < 0.06:
                    coll = Collection(tmdb + 500_000, f"{title} Collection")
                    collection = (coll, title, rng.randint(1, 2))
            if out and rng.random() < 0.03:  # remake: same title, different year
                prev = out[rng.randrange(len(out))]
                title, original, lang = prev.title, prev.original_title, prev.original_language
            genres = rng.sample(w["genres"], rng.randint(1, 3))
            studio, cert = rng.choice(w["studios"]), rng.choice(CERTS)
            alts = [original] if original != title else []
            if rng.random() < 0.15:
                alts.append(title.replace("&", "and").replace(":", ""))
            roll = rng.random()
            ids = ["imdb", "tmdb"] if roll < 0.10 else ([] if roll < 0.13 else ["tmdb"])
        removed = i % 37 == 5
        status = "deleted" if removed else ("released" if year < 2025 else rng.choice(("inCinemas", "announced")))
        has_file = status in ("released", "deleted") and rng.random() < 0.9
        quality = rng.choices(QUALITIES, QUALITY_WEIGHTS)[0]
        root = ROOT_FOLDERS[1].path if "Documentary" in genres else ROOT_FOLDERS[0].path
        folder = _movie_folder(title, year, tmdb, imdb, ids)
        group = rng.choice(GROUPS)
        size = rng.randint(700, 60_000) * 1_048_576 if has_file else 0
        if has_file and rng.random() < 0.3:  # not yet renamed: a scene-style name (rename preview has work)
            fname = f"{folder_safe(title).replace(' ', '.')}.{year}.{quality.split('-')[-1]}.{quality.split('-')[0]}-{group or 'NOGRP'}.mkv"
        else:
            fname = f"{folder_safe(title)} ({year}) [{quality}].mkv"
        out.append(Movie(
            id=ident, title=title, original_title=original, sort_title=sort_title(title), year=year,
            tmdb_id=tmdb, imdb_id=imdb, alternate_titles=alts,
            tags=sorted(rng.sample(sorted(TAGS), rng.choice((0, 0, 0, 1, 1, 2)))),
            root_folder=root, path=f"{root}/{folder}", folder_name=folder, genres=genres, certification=cert,
            studio=studio, runtime=rng.randint(78, 185), ratings=_ratings(rng),
            added=iso_from_offset(rng.randrange(200_000_000)), monitored=rng.random() < 0.9,
            has_file=has_file, size_on_disk=size, status=status, quality=quality, collection=coll,
            original_language=lang if lang in LANGUAGES else "en",
            artworks=ArtworkList(lazy=(movie_artworks, (stable_int(seed, "movie", tmdb), lang))),
            plex_rating_key=plex_key(), jellyfin_id=stable_hex(seed, "movie", tmdb),
            removed_from_tmdb=removed, overview=f"{title} ({year})." if i < len(anchors) else "",
            quality_profile_id=4 if "1080" in quality else 6,
            file_id=file_id() if has_file else None, file_name=fname if has_file else None,
            release_group=group if has_file else None,
        ))
    return out


def _shows(rng: random.Random, data: dict[str, Any], w: dict[str, list[str]], seed: int, count: int,
           seasons: tuple[int, int], episodes: tuple[int, int], plex_key: _Counter) -> list[Show]:
    anchors = data["shows"]
    out: list[Show] = []
    next_tvdb, next_tmdb = 400_000, 200_000
    episode_id, file_id, ep_tvdb = _Counter(1), _Counter(1), _Counter(5_000_000)
    for i in range(count):
        if i < len(anchors):
            a = anchors[i]
            title, original, year, lang = a["t"], a.get("o", a["t"]), a["y"], a["lang"]
            tvdb, tmdb, imdb, genres = a["tvdb"], a["tmdb"], a.get("imdb"), list(a["g"])
            network, cert, series_type, status = a["net"], a["cert"], a["type"], a["status"]
            alts, ids, brackets = list(a.get("alt", [])), a.get("ids_in_folder", ["tvdb"]), a.get("bracket_ids", False)
        else:
            next_tvdb += rng.randint(1, 9)
            next_tmdb += rng.randint(1, 9)
            tvdb, tmdb, year = next_tvdb, next_tmdb, _year(rng)
            imdb = f"tt{8_000_000 + i:07d}" if rng.random() > 0.1 else None
            title, original, lang = _generated_title(rng, w)
            genres = rng.sample(w["genres"], rng.randint(1, 3))
            network, cert = rng.choice(w["networks"]), rng.choice(TV_CERTS)
            series_type = "anime" if lang == "ja" else rng.choices(("standard", "daily"), (95, 5))[0]
            status = rng.choices(("continuing", "ended", "upcoming"), (40, 55, 5))[0]
            alts = [original] if original != title else []
            ids, brackets = (["tvdb"], rng.random() < 0.1)
        removed = i % 7 == 3
        if removed:
            status = "deleted"
        root = ROOT_FOLDERS[3].path if series_type == "anime" else ROOT_FOLDERS[2].path
        id_tag = (f"[tvdb-{tvdb}]" if brackets else f"{{tvdb-{tvdb}}}") if ids else ""
        folder = f"{folder_safe(title)} ({year}) {id_tag}".rstrip()
        path = f"{root}/{folder}"
        show_seed = stable_int(seed, "show", tvdb)
        show_key = plex_key()  # parents get smaller rating keys than their children, as in Plex
        season_numbers = list(range(1, rng.randint(*seasons) + 1))
        if rng.random() < 0.2:
            season_numbers.insert(0, 0)
        season_list: list[Season] = []
        for number in season_numbers:
            n_eps = rng.randint(1, 3) if number == 0 else rng.randint(*episodes)
            season_key = plex_key()
            eps: list[Episode] = []
            for e in range(1, n_eps + 1):
                has_file = status != "upcoming" and rng.random() < 0.85
                q = rng.choice(TV_QUALITIES)
                ep_title = rng.choice(w["episode_titles"]) if rng.random() < 0.6 else f"Episode {e}"
                sub = "Specials" if number == 0 else f"Season {number:02d}"
                if not has_file:
                    ep_path = None
                elif rng.random() < 0.25:  # not yet renamed: scene-style name (rename preview has work)
                    ep_path = f"{path}/{sub}/{folder_safe(title).replace(' ', '.')}.S{number:02d}E{e:02d}.{q.split('-')[-1]}.{q.split('-')[0]}-GRP.mkv"
                else:
                    ep_path = f"{path}/{sub}/{folder_safe(title)} - S{number:02d}E{e:02d} - {folder_safe(ep_title)} [{q}].mkv"
                eid = episode_id()
                eps.append(Episode(
                    id=eid, season_number=number, episode_number=e, title=ep_title, tvdb_id=ep_tvdb(),
                    air_date=f"{min(year + max(number - 1, 0), 2025)}-{(e % 12) + 1:02d}-{(e * 3 % 27) + 1:02d}",
                    has_file=has_file, path=ep_path,
                    artworks=ArtworkList(lazy=(episode_artworks, (stable_int(seed, "ep", tvdb, number, e), number))),
                    plex_rating_key=plex_key(), jellyfin_id=stable_hex(seed, "episode", tvdb, number, e),
                    file_id=file_id() if has_file else None, size=rng.randint(200, 4000) * 1_048_576 if has_file else 0,
                    quality=q if has_file else None, monitored=number != 0, runtime=rng.choice((22, 30, 45, 58)),
                ))
            season_list.append(Season(
                number=number, episodes=eps,
                artworks=ArtworkList(lazy=(season_artworks, (stable_int(seed, "season", tvdb, number), lang, number))),
                plex_rating_key=season_key, jellyfin_id=stable_hex(seed, "season", tvdb, number), monitored=number != 0,
            ))
        out.append(Show(
            id=i + 1, title=title, original_title=original, sort_title=sort_title(title), year=year,
            tvdb_id=tvdb, tmdb_id=tmdb, imdb_id=imdb, alternate_titles=alts,
            tags=sorted(rng.sample(sorted(TAGS), rng.choice((0, 0, 1)))) if series_type != "anime" else [3],
            root_folder=root, path=path, folder_name=folder, genres=genres, certification=cert, network=network,
            runtime=rng.choice((22, 30, 45, 58)), ratings=_ratings(rng),
            added=iso_from_offset(rng.randrange(200_000_000)), monitored=rng.random() < 0.9, status=status,
            ended=status == "ended", series_type=series_type, original_language=lang if lang in LANGUAGES else "en",
            seasons=season_list, artworks=ArtworkList(lazy=(show_artworks, (show_seed, lang))),
            plex_rating_key=show_key, jellyfin_id=stable_hex(seed, "show", tvdb), removed_from_tvdb=removed,
            overview=f"{title}." if i < len(anchors) else "", quality_profile_id=4,
        ))
    return out


def _artists(rng: random.Random, data: dict[str, Any], w: dict[str, list[str]], seed: int, count: int,
             plex_key: _Counter) -> list[Artist]:
    anchors = data["artists"]
    out: list[Artist] = []
    album_id = _Counter(1)
    for i in range(count):
        if i < len(anchors):
            a = anchors[i]
            name, sort_name, kind, genres, dis = a["n"], a.get("sort", a["n"]), a["type"], list(a["g"]), a.get("dis", "")
        else:
            name = rng.choice((f"The {rng.choice(w['nouns'])}s", f"{rng.choice(w['names'])} & the {rng.choice(w['nouns'])}s",
                               f"{rng.choice(w['adjectives'])} {rng.choice(w['places'])}"))
            sort_name, kind, dis = name, rng.choice(("Group", "Person")), ""
            genres = [rng.choice(("Rock", "Pop", "Jazz", "Electronic", "Folk", "Hip-Hop"))]
        mbid = stable_uuid(rng)
        folder = folder_safe(name)
        artist_key = plex_key()
        albums = []
        for n in range(rng.randint(1, 4)):
            year = rng.randint(1965, 2024)
            title = (f"{rng.choice(w['adjectives'])} {rng.choice(w['nouns'])}" if rng.random() < 0.7
                     else rng.choice(w["album_words"]))
            tracks = rng.randint(6, 16)
            have = tracks if rng.random() < 0.8 else rng.randint(0, tracks - 1)
            albums.append(Album(
                id=album_id(), title=title, musicbrainz_id=stable_uuid(rng), year=year,
                release_date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00Z",
                album_type=rng.choice(("Album", "Album", "EP", "Single", "Live", "Compilation")), genres=list(genres),
                artworks=ArtworkList(lazy=(album_artworks, (stable_int(seed, "album", mbid, n),))),
                plex_rating_key=plex_key(), jellyfin_id=stable_hex(seed, "album", mbid, n), artist_id=i + 1,
                track_count=tracks, track_file_count=have, monitored=True, size_on_disk=have * 9_437_184,
            ))
        out.append(Artist(
            id=i + 1, name=name, sort_name=sort_name, musicbrainz_id=mbid, albums=albums,
            root_folder=ROOT_FOLDERS[4].path, path=f"{ROOT_FOLDERS[4].path}/{folder}", folder_name=folder,
            genres=genres, tags=[], artist_type=kind, status=rng.choice(("continuing", "ended")),
            added=iso_from_offset(rng.randrange(200_000_000)), monitored=True,
            artworks=ArtworkList(lazy=(artist_artworks, (stable_int(seed, "artist", mbid),))),
            plex_rating_key=artist_key, jellyfin_id=stable_hex(seed, "artist", mbid), disambiguation=dis,
            overview=f"{name} ({genres[0]}).",
        ))
    return out


# ---- per-instance copies ---------------------------------------------------------------------------
def four_k_copy(lib: SampleLibrary, name: str) -> SampleLibrary:
    """See :meth:`SampleLibrary.for_instance`: a 30% 4K duplicate set, ids renumbered."""
    movie_root, tv_root = ROOT_FOLDERS_4K[0].path, ROOT_FOLDERS_4K[1].path
    movies: list[Movie] = []
    for m in lib.movies:
        if stable_int(name, "movie", m.tmdb_id) % 100 >= 30:
            continue
        quality = QUALITIES_4K[stable_int(name, m.tmdb_id) % 3]
        n = len(movies) + 1
        movies.append(copy_movie(
            m, id=n, root_folder=movie_root, path=f"{movie_root}/{m.folder_name}", quality=quality,
            tags=sorted({*m.tags, 1}), quality_profile_id=5, file_id=n if m.has_file else None,
            file_name=f"{folder_safe(m.title)} ({m.year}) [{quality}].mkv" if m.has_file else None,
            size_on_disk=m.size_on_disk * 5,
        ))
    shows: list[Show] = []
    episode_id = file_id = 0
    for s in lib.shows:
        if stable_int(name, "show", s.tvdb_id) % 100 >= 30:
            continue
        copy = copy_show(s, id=len(shows) + 1, root_folder=tv_root, path=f"{tv_root}/{s.folder_name}",
                         tags=sorted({*s.tags, 1}), quality_profile_id=5)
        for season in copy.seasons:
            for ep in season.episodes:
                episode_id += 1
                ep.id = episode_id
                if ep.has_file:
                    file_id += 1
                    ep.file_id = file_id
                    ep.quality = "WEBDL-2160p"
                    if ep.path:
                        ep.path = ep.path.replace(s.path, copy.path, 1)
                        if ep.path.endswith("].mkv"):
                            ep.path = ep.path.rsplit(" [", 1)[0] + " [WEBDL-2160p].mkv"
        shows.append(copy)
    return SampleLibrary(seed=lib.seed, movies=movies, shows=shows, artists=[], tags=dict(lib.tags),
                         root_folders=list(ROOT_FOLDERS_4K), quality_profiles=list(lib.quality_profiles),
                         instance=name)
