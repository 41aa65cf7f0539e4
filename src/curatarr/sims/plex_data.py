"""The Plex simulator's data directory: a "Library/Application Support/Plex Media Server" folder
with real files, kept consistent with the simulated server (:mod:`curatarr.sims.plex`).

What it holds (PMS's real layout and names):

* ``Metadata/{Movies,TV Shows,Artists,Collections}/<h>/<ash>.bundle/`` per item (``<hash>`` =
  ``metadata_items.hash``): ``Contents/_combined/{posters,art}/<agent>_<id>`` (the agent's images,
  never bloat) and ``Uploads/{posters,art}/<sha1>`` (extension-less uploads; the selected one is
  ``upload://posters/<sha1>`` in ``user_thumb_url``, the others are bloat). Every file is a small
  real JPEG.
* ``Cache/PhotoTranscoder/<xx>/<sha1>.jpg``: transcoded thumbnails (safe to delete).
* ``Plug-in Support/Databases/com.plexapp.plugins.library.db``: a real SQLite file with PMS's table
  and column names (``library_sections``, ``metadata_items`` with ``user_thumb_url``,
  ``user_art_url``, ``user_banner_url``, ``hash``, ``deleted_at`` …), one row per section, movie,
  show, season, artist and collection of the server (rating key = ``metadata_items.id``).
* A few leftovers for the maintenance calls to act on: items in the trash (``deleted_at`` set; their
  bundles stay until ``emptyTrash`` + ``clean/bundles``) and bundles no row references.

Server actions change the tree: an upload writes ``Uploads/<kind>/<sha1>`` and selects it, a
selection updates ``user_*_url``, ``emptyTrash`` drops the section's trashed rows, ``clean/bundles``
deletes unreferenced bundles, ``optimize`` runs ``VACUUM``. ``/diagnostics/databases`` serves a zip
of a consistent copy of the database. With ``live_wal`` the database is held open in WAL mode (a
``-wal`` file exists, as while PMS runs).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import tempfile
import threading
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from curatarr.sims.library import Album, Artist, Movie, Season, Show, stable_int

DB_RELATIVE = "Plug-in Support/Databases/com.plexapp.plugins.library.db"
TYPE_DIRS = {"movie": "Movies", "show": "TV Shows", "season": "TV Shows", "artist": "Artists", "album": "Albums",
             "collection": "Collections"}
METADATA_TYPES = {"movie": 1, "show": 2, "season": 3, "episode": 4, "artist": 8, "album": 9, "collection": 18}
SECTION_TYPES = {"movie": 1, "show": 2, "artist": 8}
AGENTS = {"movie": "tv.plex.agents.movie", "show": "tv.plex.agents.series", "season": "tv.plex.agents.series",
          "artist": "tv.plex.agents.music", "album": "tv.plex.agents.music", "collection": "tv.plex.agents.none"}
URL_COLUMNS = {"posters": "user_thumb_url", "art": "user_art_url", "arts": "user_art_url",
               "banners": "user_banner_url"}
BASE_TS = 1_717_300_000

SCHEMA = """
CREATE TABLE library_sections (
  id INTEGER PRIMARY KEY, library_id INTEGER, name VARCHAR(255), name_sort VARCHAR(255) COLLATE NOCASE,
  section_type INTEGER, language VARCHAR(255), agent VARCHAR(255), scanner VARCHAR(255),
  user_thumb_url VARCHAR(255), user_art_url VARCHAR(255), user_theme_music_url VARCHAR(255),
  public BOOLEAN, created_at DATETIME, updated_at DATETIME, scanned_at DATETIME,
  display_secondary_level BOOLEAN, user_fields VARCHAR(255), query_xml TEXT, query_type INTEGER,
  uuid VARCHAR(255), changed_at INTEGER(8) DEFAULT '0', content_changed_at INTEGER(8) DEFAULT '0');
CREATE TABLE metadata_items (
  id INTEGER PRIMARY KEY, library_section_id INTEGER, parent_id INTEGER, metadata_type INTEGER,
  guid VARCHAR(255), media_item_count INTEGER, title VARCHAR(255), title_sort VARCHAR(255) COLLATE NOCASE,
  original_title VARCHAR(255), studio VARCHAR(255), rating FLOAT, rating_count INTEGER, tagline VARCHAR(255),
  summary TEXT, trivia TEXT, quotes TEXT, content_rating VARCHAR(255), content_rating_age INTEGER,
  "index" INTEGER, absolute_index INTEGER, duration INTEGER, user_thumb_url VARCHAR(255),
  user_art_url VARCHAR(255), user_banner_url VARCHAR(255), user_music_url VARCHAR(255), user_fields VARCHAR(255),
  tags_genre VARCHAR(255), tags_collection VARCHAR(255), tags_director VARCHAR(255), tags_writer VARCHAR(255),
  tags_star VARCHAR(255), originally_available_at DATETIME, available_at DATETIME, expires_at DATETIME,
  refreshed_at DATETIME, year INTEGER, added_at DATETIME, created_at DATETIME, updated_at DATETIME,
  deleted_at DATETIME, tags_country VARCHAR(255), extra_data VARCHAR(255), hash VARCHAR(255),
  audience_rating FLOAT, changed_at INTEGER(8) DEFAULT '0', resources_changed_at INTEGER(8) DEFAULT '0',
  remote INTEGER, edition_title VARCHAR(255), slug VARCHAR(255), user_clear_logo_url VARCHAR(255));
CREATE INDEX index_metadata_items_on_library_section_id ON metadata_items (library_section_id);
CREATE INDEX index_metadata_items_on_hash ON metadata_items (hash);
CREATE INDEX index_metadata_items_on_deleted_at ON metadata_items (deleted_at);
"""


@lru_cache(maxsize=16)
def _base_jpeg(colour: int) -> bytes:
    import pyvips

    rgb = [(colour * 97) % 256, (colour * 57 + 80) % 256, (colour * 31 + 160) % 256]
    return pyvips.Image.black(24, 36, bands=3).new_from_image(rgb).copy(
        interpretation="srgb").jpegsave_buffer(Q=70, strip=True)


def _jpeg(seed: str) -> bytes:
    """A small real JPEG in one of 16 colours, made unique for ``seed`` by a JPEG comment segment
    (COM, right after SOI): distinct bytes and sha1 names per file at the cost of one encode per colour."""
    base = _base_jpeg(stable_int("plexdata-colour", seed) % 16)
    comment = f"curatarr-sim {seed}".encode()[:200]
    return base[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + base[2:]


def bundle_dir(kind: str, item_hash: str) -> str:
    """``Metadata/<Type>/<h>/<ash>.bundle`` relative to the Plex folder."""
    return f"Metadata/{TYPE_DIRS.get(kind, 'Movies')}/{item_hash[0]}/{item_hash[1:]}.bundle"


def item_hash(guid: str) -> str:
    return hashlib.sha1(guid.encode()).hexdigest()


class PlexDataDir:
    """The data folder of one simulated server (see the module docstring)."""

    def __init__(self, root: Path | str, *, live_wal: bool = False):
        self.root = Path(root)
        self.live_wal = live_wal
        self.lock = threading.RLock()
        self._live: sqlite3.Connection | None = None
        self.kinds: dict[int, str] = {}       # rating key -> kind (what has a bundle)

    @property
    def db_path(self) -> Path:
        return self.root / DB_RELATIVE

    # ---- building --------------------------------------------------------------------------------
    def build(self, srv: Any, guid_of: Any) -> None:
        """(Re)create the tree and the database for the server state ``srv`` (``guid_of(item)`` gives
        an item's guid as the HTTP layer renders it)."""
        with self.lock:
            self.close()
            for name in ("Metadata", "Cache", "Plug-in Support"):
                shutil.rmtree(self.root / name, ignore_errors=True)
            self.root.mkdir(parents=True, exist_ok=True)
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.db_path)
            try:
                db.executescript(SCHEMA)
                self._fill(db, srv, guid_of)
                db.commit()
            finally:
                db.close()
            self._photo_transcoder()
            if self.live_wal:
                self._live = sqlite3.connect(self.db_path, check_same_thread=False)
                self._live.execute("PRAGMA journal_mode=WAL")
                self._live.execute("PRAGMA wal_autocheckpoint=0")
                self._live.execute("UPDATE library_sections SET scanned_at = scanned_at")
                self._live.commit()

    def close(self) -> None:
        if self._live is not None:
            self._live.close()
            self._live = None

    def _fill(self, db: sqlite3.Connection, srv: Any, guid_of: Any) -> None:
        for section in srv.sections:
            db.execute("INSERT INTO library_sections (id, library_id, name, name_sort, section_type, language, agent,"
                       " scanner, created_at, updated_at, scanned_at, uuid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                       (section.key, section.key, section.title, section.title.lower(), SECTION_TYPES[section.type],
                        "en-US", AGENTS[section.type], "Plex Scanner", BASE_TS, BASE_TS, BASE_TS, section.uuid))
            for item in section.items:
                self._item(db, item, section.key, None, guid_of)
                for child in srv.kids.get(item.plex_rating_key, []):
                    if isinstance(child, (Season, Album)):
                        self._item(db, child, section.key, item.plex_rating_key, guid_of)
            for coll in srv.section_collections(section):
                self._row(db, coll.plex_rating_key, "collection", section.key, None, f"collection://{coll.plex_rating_key}",
                          coll.title, None)
        # Trashed items (deleted from disk, still in the database) and bundles of items long gone.
        next_id = max(srv.index, default=0) + 1000
        for section in srv.sections:
            for n in range(2):
                guid = f"plex://{section.type}/trashed-{section.key}-{n}"
                self._row(db, next_id, section.type, section.key, None, guid, f"Removed {section.title} {n + 1}", None,
                          deleted_at=BASE_TS + n)
                next_id += 1
        for n in range(3):
            h = item_hash(f"plex://movie/gone-{n}")
            self._write(f"{bundle_dir('movie', h)}/Contents/_combined/posters/tv.plex.agents.movie_gone{n}", f"gone-{n}")
            self._write(f"{bundle_dir('movie', h)}/Uploads/posters/{hashlib.sha1(f'gone-up-{n}'.encode()).hexdigest()}",
                        f"gone-up-{n}")

    def _item(self, db: sqlite3.Connection, item: Any, section_key: int, parent: int | None, guid_of: Any) -> None:
        kind = {Movie: "movie", Show: "show", Season: "season", Artist: "artist", Album: "album"}[type(item)]
        title = getattr(item, "title", None) or getattr(item, "name", "") or f"Season {getattr(item, 'number', '')}"
        self._row(db, item.plex_rating_key, kind, section_key, parent, guid_of(item), title, getattr(item, "year", None))

    def _row(self, db: sqlite3.Connection, rk: int, kind: str, section_key: int, parent: int | None, guid: str,
             title: str, year: int | None, *, deleted_at: int | None = None) -> None:
        h = item_hash(guid)
        base = bundle_dir(kind, h)
        agent_key = f"{AGENTS[kind]}_{h[:12]}"
        urls: dict[str, str | None] = {"posters": f"metadata://posters/{agent_key}", "art": None, "banners": None}
        self._write(f"{base}/Contents/_combined/posters/{agent_key}", f"{rk}-agent-poster")
        if kind in ("movie", "show", "artist"):
            self._write(f"{base}/Contents/_combined/art/{agent_key}", f"{rk}-agent-art")
            urls["art"] = f"metadata://art/{agent_key}"
        # Uploads: 0-3 posters per item (the last one selected when there are any), sometimes an
        # extra background; every upload but the selected ones is what poster cleanup finds.
        n = stable_int("plexdata-uploads", rk)
        uploads = n % 4 if kind != "season" else n % 2
        for i in range(uploads):
            name = self._upload(base, "posters", f"{rk}-upload-poster-{i}")
            if i == uploads - 1 and n % 5 != 0:  # 1 in 5 went back to the agent poster
                urls["posters"] = f"upload://posters/{name}"
        if kind in ("movie", "show") and n % 3 == 0:
            name = self._upload(base, "art", f"{rk}-upload-art")
            if n % 2 == 0:
                urls["art"] = f"upload://art/{name}"
        if kind == "show" and n % 7 == 0:
            urls["banners"] = f"upload://banners/{self._upload(base, 'banners', f'{rk}-upload-banner')}"
        db.execute("INSERT INTO metadata_items (id, library_section_id, parent_id, metadata_type, guid, title, title_sort,"
                   " \"index\", user_thumb_url, user_art_url, user_banner_url, year, added_at, created_at, updated_at,"
                   " deleted_at, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (rk, section_key, parent, METADATA_TYPES[kind], guid, title, title.lower(), None, urls["posters"],
                    urls["art"], urls["banners"], year, BASE_TS, BASE_TS, BASE_TS, deleted_at, h))
        self.kinds[rk] = kind

    def _upload(self, base: str, kind: str, seed: str) -> str:
        data = _jpeg(seed)
        name = hashlib.sha1(data).hexdigest()
        (self.root / base / "Uploads" / kind).mkdir(parents=True, exist_ok=True)
        (self.root / base / "Uploads" / kind / name).write_bytes(data)
        return name

    def _write(self, rel: str, seed: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_jpeg(seed))

    def _photo_transcoder(self) -> None:
        for n in range(24):
            h = hashlib.sha1(f"transcode-{n}".encode()).hexdigest()
            self._write(f"Cache/PhotoTranscoder/{h[:2]}/{h}.jpg", f"transcode-{n}")

    # ---- the database ----------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        return self._live if self._live is not None else sqlite3.connect(self.db_path)

    def _execute(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self.lock:
            db = self._connect()
            try:
                rows = db.execute(sql, args).fetchall()
                db.commit()
                return rows
            finally:
                if db is not self._live:
                    db.close()

    def bundle_of(self, rk: int) -> Path | None:
        rows = self._execute("SELECT metadata_type, hash FROM metadata_items WHERE id = ?", (rk,))
        if not rows or not rows[0][1]:
            return None
        kind = next((k for k, v in METADATA_TYPES.items() if v == rows[0][0]), "movie")
        return self.root / bundle_dir(kind, rows[0][1])

    # ---- what the server's actions do to the folder ---------------------------------------------
    def uploaded(self, rk: int, kind: str, data: bytes) -> str | None:
        """An upload through the API: write ``Uploads/<kind>/<sha1>`` and select it."""
        bundle = self.bundle_of(rk)
        if bundle is None or kind not in URL_COLUMNS:
            return None
        folder = "art" if kind in ("art", "arts") else kind
        name = hashlib.sha1(data).hexdigest()
        with self.lock:
            (bundle / "Uploads" / folder).mkdir(parents=True, exist_ok=True)
            (bundle / "Uploads" / folder / name).write_bytes(data)
        self.selected(rk, kind, f"upload://{folder}/{name}")
        return name

    def selected(self, rk: int, kind: str, url: str) -> None:
        column = URL_COLUMNS.get(kind)
        if column:
            self._execute(f"UPDATE metadata_items SET {column} = ?, updated_at = updated_at + 1 WHERE id = ?", (url, rk))

    def empty_trash(self, section_key: int | None) -> int:
        where, args = ("deleted_at IS NOT NULL", ()) if section_key is None else (
            "deleted_at IS NOT NULL AND library_section_id = ?", (section_key,))
        rows = self._execute(f"SELECT COUNT(*) FROM metadata_items WHERE {where}", args)
        self._execute(f"DELETE FROM metadata_items WHERE {where}", args)
        return rows[0][0]

    def clean_bundles(self) -> list[str]:
        """Delete every bundle no ``metadata_items`` row references; returns their relative paths."""
        wanted = {self.root / bundle_dir(k, h) for k, h in self._kind_hashes()}
        removed = []
        metadata = self.root / "Metadata"
        with self.lock:
            for bundle in sorted(metadata.glob("*/*/*.bundle")) if metadata.is_dir() else []:
                if bundle not in wanted:
                    shutil.rmtree(bundle)
                    removed.append(bundle.relative_to(self.root).as_posix())
        return removed

    def _kind_hashes(self) -> list[tuple[str, str]]:
        names = {v: k for k, v in METADATA_TYPES.items()}
        return [(names.get(t, "movie"), h) for t, h in
                self._execute("SELECT metadata_type, hash FROM metadata_items WHERE hash IS NOT NULL")]

    def optimize(self) -> None:
        with self.lock:
            if self._live is not None:
                self._live.execute("PRAGMA optimize")
                return
            db = sqlite3.connect(self.db_path)
            try:
                db.execute("VACUUM")
            finally:
                db.close()

    def database_zip(self) -> bytes:
        """A zip holding a consistent copy of the library database (``/diagnostics/databases``)."""
        with self.lock, tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "copy.db"
            source = self._connect()
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                target.close()
                if source is not self._live:
                    source.close()
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.write(copy, "com.plexapp.plugins.library.db")
            return buf.getvalue()
