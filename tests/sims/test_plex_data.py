"""The Plex simulator's data folder, checked with python-plexapi (the fidelity oracle): the database
download plexapi fetches, uploads landing in bundles, maintenance calls acting on the folder."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest

from tests._fixtures import sim_cluster

DB = "Plug-in Support/Databases/com.plexapp.plugins.library.db"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("pmsdata") / "Plex Media Server"


@pytest.fixture(scope="module")
def cluster(home):
    from curatarr.sims.library import SampleLibrary

    with sim_cluster(SampleLibrary.generate(movies=10, shows=2, artists=1), ["plex"], plex_data_dir=home) as c:
        yield c


@pytest.fixture
def server(cluster):
    from plexapi.server import PlexServer

    cluster.reset()
    return PlexServer(cluster.urls["plex"], cluster.api_keys["plex"], timeout=10)


def rows(home, sql):
    db = sqlite3.connect(home / DB)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_database_download_is_a_zip_with_plex_tables_matching_the_server(server, home, tmp_path):
    path = server.downloadDatabases(savepath=str(tmp_path), unpack=False)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["com.plexapp.plugins.library.db"]
        zf.extractall(tmp_path / "x")
    db = sqlite3.connect(tmp_path / "x" / "com.plexapp.plugins.library.db")
    columns = {r[1] for r in db.execute("PRAGMA table_info(metadata_items)")}
    assert {"id", "guid", "title", "metadata_type", "library_section_id", "user_thumb_url", "user_art_url",
            "user_banner_url", "hash", "deleted_at"} <= columns
    sections = dict(db.execute("SELECT id, name FROM library_sections").fetchall())
    assert sections == {int(s.key): s.title for s in server.library.sections()}
    for movie in server.library.section("Movies").all():
        title, guid, mtype = db.execute("SELECT title, guid, metadata_type FROM metadata_items WHERE id = ?",
                                        (movie.ratingKey,)).fetchone()
        assert (title, guid, mtype) == (movie.title, movie.guid, 1)
    db.close()


def test_every_live_item_has_its_bundle_and_selected_uploads_exist(server, home):
    for rk, kind, h, thumb in rows(home, "SELECT id, metadata_type, hash, user_thumb_url FROM metadata_items "
                                         "WHERE deleted_at IS NULL AND metadata_type IN (1, 2)"):
        folder = {1: "Movies", 2: "TV Shows"}[kind]
        bundle = home / "Metadata" / folder / h[0] / f"{h[1:]}.bundle"
        assert bundle.is_dir(), rk
        if thumb.startswith("upload://"):
            assert (bundle / "Uploads" / "posters" / thumb.rsplit("/", 1)[-1]).is_file()


def test_plexapi_upload_lands_in_the_bundle_and_is_selected(server, home, tmp_path):
    from curatarr.sims.plex_data import _jpeg

    movie = server.library.section("Movies").all()[0]
    image = tmp_path / "p.jpg"
    image.write_bytes(_jpeg("plexapi-upload"))
    movie.uploadPoster(filepath=str(image))
    (thumb, h), = rows(home, f"SELECT user_thumb_url, hash FROM metadata_items WHERE id = {movie.ratingKey}")
    assert thumb.startswith("upload://posters/")
    stored = home / "Metadata" / "Movies" / h[0] / f"{h[1:]}.bundle" / "Uploads" / "posters" / thumb.rsplit("/", 1)[-1]
    assert stored.read_bytes() == image.read_bytes()


def test_maintenance_through_plexapi_changes_the_folder(server, cluster, home):
    assert rows(home, "SELECT COUNT(*) FROM metadata_items WHERE deleted_at IS NOT NULL")[0][0] > 0
    before = {p for p in (home / "Metadata").glob("*/*/*.bundle")}
    server.library.emptyTrash()
    assert rows(home, "SELECT COUNT(*) FROM metadata_items WHERE deleted_at IS NOT NULL")[0][0] == 0
    server.library.cleanBundles()
    server.library.optimize()
    wanted = {home / "Metadata" / {1: "Movies", 2: "TV Shows", 3: "TV Shows", 8: "Artists", 9: "Albums",
                                    18: "Collections"}[t] / h[0] / f"{h[1:]}.bundle"
              for t, h in rows(home, "SELECT metadata_type, hash FROM metadata_items")}
    after = {p for p in (home / "Metadata").glob("*/*/*.bundle")}
    assert after == wanted and after < before
    actions = [e["action"] for e in cluster.sims["plex"].events("maintenance")]
    assert actions[-2:] == ["cleanBundles", "optimize"]


def test_live_wal_keeps_a_wal_file_and_the_download_still_reads_it(tmp_path):
    from curatarr.sims import plex as plex_sim
    from curatarr.sims.library import SampleLibrary
    from curatarr.sims.server import SimServer
    import httpx

    home = tmp_path / "pms"
    app = plex_sim.create_app(SampleLibrary.generate(movies=3, shows=1, artists=1), token="t",
                              plex_data_dir=home, live_wal=True)
    with SimServer(app) as srv:
        assert (home / (DB + "-wal")).exists()
        r = httpx.get(srv.url + "/diagnostics/databases", headers={"X-Plex-Token": "t"})
        assert r.status_code == 200 and r.content[:2] == b"PK"


def test_connector_download_is_streamed_capped_and_authenticated(cluster, tmp_path):
    from curatarr.connectors.errors import AuthFailed, BadResponse
    from curatarr.connectors.media_server import Capability
    from curatarr.connectors.plex import PlexClient

    cluster.reset()
    with PlexClient(cluster.urls["plex"], cluster.api_keys["plex"]) as client:
        assert Capability.LIBRARY_DATABASE in client.capabilities
        size = client.download_library_database(tmp_path / "db.zip", max_bytes=50 * 1024 * 1024)
        assert size == (tmp_path / "db.zip").stat().st_size and zipfile.is_zipfile(tmp_path / "db.zip")
        with pytest.raises(BadResponse):
            client.download_library_database(tmp_path / "small.zip", max_bytes=1000)
    with PlexClient(cluster.urls["plex"], "wrong-token") as client, pytest.raises(AuthFailed):
        client.download_library_database(tmp_path / "x.zip", max_bytes=10 ** 6)
