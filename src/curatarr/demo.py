"""``curatarr demo``: the real server pointed at simulators, in one process.

Starts every available simulator (Radarr, a second Radarr ``radarr_4k``, Sonarr, Lidarr, Plex,
Jellyfin, Emby, TMDB, Fanart.tv, TVDB) on its own 127.0.0.1 port with the sample library
(:meth:`SampleLibrary.demo`), writes a fresh data dir whose ``config.yml`` points instances at them,
creates the user ``demo`` / ``demo`` and serves the normal app. Nothing in the server branches on
"demo": it is the same code users run, only its outside world is simulated.

Module sections live in :func:`demo_config` — one entry per module, so an area that adds a module
adds one line there.
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from curatarr.sims.library import SampleLibrary

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"  # below the normal 8-character minimum on purpose; created directly, not via the API
DEMO_SERVICES: tuple[str, ...] = ("radarr", "radarr_4k", "sonarr", "lidarr", "plex", "jellyfin", "emby",
                                  "tmdb", "fanart", "tvdb")
MARKER = ".curatarr-demo"  # only a folder carrying this marker is ever wiped

# Where each provider's API sits under its simulator's root (the real services' path layout).
_URL_SUFFIX = {"tmdb": "/3", "fanart": "/v3", "tvdb": "/v4", "emby": "/emby"}


def available_services(wanted: tuple[str, ...] = DEMO_SERVICES) -> list[str]:
    """The demo services whose simulator is registered and importable (skips ones still missing)."""
    import importlib

    from curatarr.sims import SIMULATORS
    from curatarr.sims.server import split_service

    out = []
    for spec in wanted:
        try:
            service_type, _ = split_service(spec)
            importlib.import_module(SIMULATORS[service_type].partition(":")[0])
        except (KeyError, ImportError):
            continue
        out.append(spec)
    return out


def demo_instances(cluster: Any) -> dict:
    """``instances`` section: one instance per running simulator, named like the simulator."""
    out: dict[str, dict] = {}
    for name, url in cluster.urls.items():
        service_type = cluster.types[name]
        cfg: dict[str, Any] = {"url": url + _URL_SUFFIX.get(service_type, ""), "api": cluster.api_keys[name],
                               "enabled": True}
        if service_type == "tmdb":
            cfg["images_url"] = url + "/t/p"
        out.setdefault(service_type, {})[name] = cfg
    return out


@dataclass(frozen=True)
class DemoNames:
    """What a module section needs to know about the demo: instance names by role, demo folders."""

    radarr: list[str]
    sonarr: list[str]
    lidarr: list[str]
    plex: list[str]
    jellyfin: list[str]
    emby: list[str]
    data_dir: Path

    @property
    def arrs(self) -> list[str]:
        return self.radarr + self.sonarr + self.lidarr

    @property
    def media_servers(self) -> list[str]:
        return self.plex + self.jellyfin + self.emby

    def folder(self, name: str) -> str:
        return str(self.data_dir / name)

    @property
    def plex_home(self) -> str:
        """The Plex simulator's data folder (the "Plex Media Server" folder of a real install)."""
        return str(plex_home(self.data_dir))

    def media(self, name: str) -> str:
        """A folder of the *arr simulators' on-disk library (``movies``, ``tv``, ``downloads`` …)."""
        return str(self.data_dir / ARR_MEDIA / "data" / name)


# Module sections of the demo config: ONE line per module (section name -> builder), pre-configured
# against the simulators so that "Run now" does real work.
DEMO_MODULES: dict[str, Callable[[DemoNames], dict]] = {
    "poster_maker": lambda n: {"media_servers": n.plex, "asset_path": n.folder("assets")},
    "health_checkarr": lambda n: {"instances": n.radarr + n.sonarr, "dry_run": True},
    "renameinatorr": lambda n: {"instances": n.radarr + n.sonarr, "tag_name": "curatarr-renamed", "count": 25},
    "sync_gdrive": lambda n: {"rclone_remote": DEMO_DRIVE_REMOTE, "rclone_config": n.folder(DEMO_RCLONE_CONF),
                              "gdrive_list": [{"id": owner, "location": n.folder(f"gdrive/{slug}"), "name": slug}
                                              for owner, slug in DEMO_DRIVE_FOLDERS]},
    "poster_cleanarr": lambda n: {"plex_path": n.plex_home, "instances": n.plex[:1], "mode": "report"},
    "plex_maintenance": lambda n: {"plex_path": n.plex_home, "instances": n.plex[:1], "empty_trash": True,
                                   "clean_bundles": True, "optimize_db": True, "photo_transcoder": True, "sleep": 2},
    # both Kometa asset folders: the poster maker's and the renamer's (its hand-off names files there)
    "border_replacerr": lambda n: {"source_dirs": [n.folder("assets"), n.folder("kometa-assets")],
                                   "destination_dir": n.folder("output/bordered"),
                                   "border_width": 26, "border_colors": ["#e50914", "#1f6feb"],
                                   "holidays": [{"name": "Winter", "schedule": "range(12/20-01/05)",
                                                 "colors": ["#ffffff", "#8ecae6"]}]},
    "unmatched_assets": lambda n: {"instances": n.radarr + n.sonarr + n.media_servers},
    "upgradinatorr": lambda n: {"poll_seconds": 0.5, "instances_list": [
        *({"instance": r, "count": 5, "unattended": True} for r in n.radarr),
        *({"instance": s, "count": 3, "search_mode": "missing", "season_monitored_threshold": 50} for s in n.sonarr),
        *({"instance": a, "count": 2} for a in n.lidarr)]},
    "labelarr": lambda n: {"mappings": [
        *({"app_instance": r, "labels": ["4k", "kids", "keep"], "media_servers": n.media_servers} for r in n.radarr),
        *({"app_instance": s, "labels": ["anime", {"tag": "kids", "label": "Kids"}], "media_servers": n.media_servers,
           "direction": "both"} for s in n.sonarr)]},
    # nohl replaces through Sonarr only, so the Radarr duplicates stay for jduparr to hardlink
    "nohl": lambda n: {"instances": n.sonarr, "replace": True, "searches": 3},
    "jduparr": lambda n: {"source_dirs": [n.media("movies"), n.media("downloads")]},
    "nestarr": lambda n: {"instances": n.radarr + n.sonarr},
    "poster_renamerr": lambda n: {"source_dirs": [n.folder("poster-sets")], "upload_dir": n.folder("poster-uploads"),
                                  "destination_dir": n.folder("kometa-assets"), "report_unmatched_assets": True,
                                  "run_border_replacerr": True,
                                  "instances": n.radarr + n.sonarr + [{p: {"add_posters": True}} for p in n.plex[:1]]},
    # demo modules: add new lines above this one, e.g.  "nohl": lambda n: {"instances": n.arrs},
}
DEMO_FOLDERS = ("assets", "output", "source", "poster-sets", "gdrive", "arr-media", "poster-uploads", "kometa-assets")  # created under the data dir for module paths
ARR_MEDIA = "arr-media"  # the *arr simulators lay their library out on disk here (sims/arr_files.py)
# The sample poster-set tree (sims.poster_sets) is written into "poster-sets"; with no network, the demo's
# "Google Drive" is an rclone alias remote onto that tree, mirrored by sync_gdrive into "gdrive/<name>".
DEMO_POSTER_SETS = "poster-sets"
DEMO_DRIVE_REMOTE = "demo_drive"
DEMO_RCLONE_CONF = "rclone-demo.conf"
DEMO_DRIVE_FOLDERS = (("TPDb - Ravenclaw", "ravenclaw"), ("MediUX - Boxset Bob", "boxset-bob"))


def plex_home(data_dir: Path) -> Path:
    return Path(data_dir) / "plex" / "Library" / "Application Support" / "Plex Media Server"


def demo_names(cluster: Any, data_dir: Path | str | None = None) -> DemoNames:
    by_type: dict[str, list[str]] = {}
    for name, service_type in cluster.types.items():
        by_type.setdefault(service_type, []).append(name)
    return DemoNames(*(by_type.get(t, []) for t in ("radarr", "sonarr", "lidarr", "plex", "jellyfin", "emby")),
                     data_dir=Path(data_dir or "./demo-data").resolve())


def demo_config(cluster: Any, data_dir: Path | str | None = None) -> dict:
    """The demo's config.yml content (merged over the defaults): instances + one section per module."""
    names = demo_names(cluster, data_dir)
    config: dict[str, Any] = {
        "instances": demo_instances(cluster),
        "general": {"allowed_roots": [names.folder(f) for f in DEMO_FOLDERS]},
    }
    for section, build in DEMO_MODULES.items():
        config[section] = build(names)
    return config


# ---- data dir -------------------------------------------------------------------------------------

class DemoDirError(RuntimeError):
    """The data dir exists and is not a demo dir: refusing to wipe it."""


def prepare_data_dir(data_dir: Path, *, keep: bool = False) -> bool:
    """Wipe and recreate ``data_dir`` (unless ``keep``); returns True when it was (re)created fresh.

    Only a folder created by the demo (it carries :data:`MARKER`) or an empty one is wiped, so a
    mistyped ``--data-dir`` never deletes anything else.
    """
    data_dir = Path(data_dir).expanduser().resolve()
    if data_dir.exists():
        if not data_dir.is_dir():
            raise DemoDirError(f"{data_dir} is not a folder")
        entries = list(data_dir.iterdir())
        is_demo = (data_dir / MARKER).exists()
        if entries and not is_demo:
            raise DemoDirError(f"{data_dir} is not empty and was not created by 'curatarr demo'; "
                               "choose another --data-dir")
        if keep and is_demo:
            return False
        if entries:
            shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).write_text("created by 'curatarr demo'; this folder is wiped on the next demo start\n")
    return True


def write_poster_sources(data_dir: Path, library: Any) -> None:
    """The sample poster sets (unless already there) and the rclone config of the demo's stand-in Drive."""
    from curatarr.sims.poster_sets import generate_poster_sets

    sets = data_dir / DEMO_POSTER_SETS
    if not any(sets.iterdir()):
        generate_poster_sets(sets, library)
    (data_dir / DEMO_RCLONE_CONF).write_text(f"[{DEMO_DRIVE_REMOTE}]\ntype = alias\nremote = {sets}\n",
                                             encoding="utf-8")


def create_demo_user(rt: Any, username: str = DEMO_USER, password: str = DEMO_PASSWORD) -> bool:
    """Create the demo user directly (the API enforces an 8-character minimum); False if it exists."""
    from sqlalchemy import select

    from curatarr.auth.passwords import hash_password
    from curatarr.db.models.auth import User

    with rt.db.session() as s:
        if s.scalar(select(User).where(User.username == username)) is not None:
            return False
        s.add(User(username=username, password_hash=hash_password(password), is_admin=True))
    return True


def seed_asset_posters(folder: Path, library: SampleLibrary | None, count: int = 8) -> int:
    """A few Kometa asset posters (folder layout, 26 px white border) of the sample library's first
    movies, one season and one collection, so the border replacer has real posters on a fresh demo.
    Existing files are kept (the poster maker may have written them)."""
    import pyvips

    from curatarr.sims.images import render_artwork
    from curatarr.sims.library import SampleLibrary, primary_artwork

    library = library or SampleLibrary.demo()
    wanted: list[tuple[Path, Any, str]] = []
    for movie in library.movies[:count]:
        wanted.append((folder / movie.folder_name / "poster.jpg", primary_artwork(movie.artworks), movie.title))
    for show in library.shows[:1]:
        for season in show.seasons[:1]:
            art = primary_artwork(season.artworks, "season") or primary_artwork(show.artworks)
            wanted.append((folder / show.folder_name / f"Season{season.number:02d}.jpg", art, show.title))
    if library.movies:
        wanted.append((folder / "Sample Collection" / "poster.jpg", primary_artwork(library.movies[-1].artworks),
                       "Sample Collection"))
    written = 0
    for path, art, title in wanted:
        if art is None or path.exists():
            continue
        image = pyvips.Image.new_from_buffer(render_artwork(art, title), "")
        w = 26
        framed = image.crop(w, w, image.width - 2 * w, image.height - 2 * w).embed(
            w, w, image.width, image.height, extend="background", background=[255, 255, 255])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(framed.copy(interpretation="srgb").jpegsave_buffer(Q=90))
        written += 1
    return written


# ---- the whole demo -------------------------------------------------------------------------------

@dataclass
class Demo:
    """A prepared demo: simulators running, runtime configured. ``serve()`` blocks."""

    data_dir: Path
    cluster: Any
    runtime: Any
    prepared_in: float
    services: list[str] = field(default_factory=list)

    def close(self) -> None:
        try:
            self.runtime.close()
        finally:
            self.cluster.stop()


def prepare(data_dir: Path | str = "./demo-data", *, keep: bool = False, services: tuple[str, ...] = DEMO_SERVICES,
            library: SampleLibrary | None = None) -> Demo:
    """Start the simulators and build a configured runtime (nothing is served yet). ``library`` is the
    sample library the simulators serve (default :meth:`SampleLibrary.demo`)."""
    from curatarr.runtime import Runtime
    from curatarr.sims.library import SampleLibrary
    from curatarr.sims.server import SimCluster

    started = time.perf_counter()
    data_dir = Path(data_dir).expanduser().resolve()
    prepare_data_dir(data_dir, keep=keep)
    names = available_services(services)
    library = library or SampleLibrary.demo()
    cluster = SimCluster(library, services=names, app_options={"plex_data_dir": plex_home(data_dir),
                                                               "files_root": str(data_dir / ARR_MEDIA)}).start()
    try:
        rt = Runtime(data_dir)
        for folder in DEMO_FOLDERS:
            (data_dir / folder).mkdir(parents=True, exist_ok=True)
        write_poster_sources(data_dir, library)
        seed_asset_posters(data_dir / "assets", cluster.library)
        rt.config.update(demo_config(cluster, data_dir))
        create_demo_user(rt)
    except BaseException:
        cluster.stop()
        raise
    return Demo(data_dir=data_dir, cluster=cluster, runtime=rt, prepared_in=time.perf_counter() - started,
                services=names)


# What the demo starts by itself so every screen has data without a click: the media cache first (higher
# priority), and a poster maker run beside it whose progress shows on the Artwork page within seconds.
FIRST_RUNS: tuple[tuple[str, int, str | None], ...] = (
    ("cache_refresh", 10, "cache_refresh:all:0"),
    ("poster_maker", 5, None),
)


def start_first_runs(rt: Any) -> dict[str, int]:
    """Queue the demo's first runs on a started runtime; returns module -> job id."""
    return {module: rt.jobs.submit(module, overrides={"full": False} if module == "cache_refresh" else None,
                                   origin={"source": "demo", "reason": "demo start"}, priority=priority,
                                   dedupe_key=key)
            for module, priority, key in FIRST_RUNS}


def run(host: str = "127.0.0.1", port: int = 8000, data_dir: Path | str = "./demo-data", *, keep: bool = False,
        echo: Callable[[str], None] = print) -> None:
    """Prepare the demo and serve it until interrupted."""
    import uvicorn

    from curatarr.app import create_app

    started = time.perf_counter()
    demo = prepare(data_dir, keep=keep)
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    echo(f"Curatarr demo — data dir {demo.data_dir} (wiped on the next start unless --keep)")
    echo(f"  simulators: {', '.join(f'{n} {u}' for n, u in demo.cluster.urls.items())}")
    echo(f"  login:      user '{DEMO_USER}' / password '{DEMO_PASSWORD}'")
    echo(f"  web UI:     http://{shown}:{port}/")
    from curatarr.auth.ratelimit import UVICORN_OPTIONS

    server = uvicorn.Server(uvicorn.Config(create_app(demo.runtime), host=host, port=port, log_level="warning",
                                           access_log=False, **UVICORN_OPTIONS))

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.02)
        if server.started:
            echo(f"  ready in {time.perf_counter() - started:.1f} s")
            try:
                jobs = start_first_runs(demo.runtime)
                echo("  started:    " + ", ".join(f"{m} (job {j})" for m, j in jobs.items()))
            except Exception as exc:  # the demo still serves; the user can start the runs by hand
                echo(f"  could not start the first runs: {exc}")

    threading.Thread(target=announce, daemon=True, name="demo-announce").start()
    try:
        server.run()
    finally:
        demo.cluster.stop()
