"""What Radarr, Sonarr and Lidarr simulators share (contracts.md §1, §13).

:class:`ArrSimulator` builds a FastAPI app for one *arr instance: API-key auth (``X-Api-Key``
header, ``?apikey=`` or ``Authorization: Bearer``; 401 with an empty body otherwise), .NET-style
JSON (camelCase, nulls omitted), 400 validation arrays, 404/409 ``{message, description}``
bodies, and the resources every *arr has: ``system/status``, ``health``, ``tag`` (+ ``detail``),
``rootfolder``, ``qualityprofile``, ``command`` (deterministic lifecycle: ``queued`` on POST,
``completed`` on the ``polls_to_complete``-th GET), ``queue`` and paging envelopes.

Subclasses (radarr/sonarr/lidarr) add their media routes in :meth:`add_routes` and describe
their command names, tag usage, health checks and exclusions. The shared error/JSON/query/paging
helpers live in :mod:`curatarr.sims.arr_resources`.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.responses import Response

from curatarr.sims.arr_resources import (  # noqa: F401  (re-exported: radarr/sonarr/lidarr import them from here)
    LAST_WRITE, QUALITIES, SONARR_SOURCES, START_TIME, TAG_LABEL_CHARS, ArrError, CIDict, arr_json, compact, int_list,
    not_found, now_iso, paged, q_bool, q_int, q_ints, quality_model, query_values, read_json, validation_error,
)
from curatarr.sims import arr_files
from curatarr.sims.base import Simulator, credential, install
from curatarr.sims.images import render_artwork
from curatarr.sims.library import Artwork, SampleLibrary, primary_artwork


class ArrSimulator(arr_files.DiskHooks):
    """Base of the three *arr simulators (one instance per app)."""

    service = "arr"
    app_name = "Arr"
    version = "1.0.0.0"
    api_base = "/api/v3"
    media_ids_key = "movieIds"           # TagDetails field listing the media using a tag
    exclusion_path = "importlistexclusion"  # Radarr: "exclusions"
    exclusion_key = "tvdbId"             # external id field: tmdbId | tvdbId | foreignId
    exclusion_fields: tuple[str, ...] = ("tvdbId", "title")
    exclusion_extras = True              # /paged and /bulk exist (not on Lidarr)
    commands: dict[str, str] = {}        # lower-case name -> display commandName
    list_commands: dict[str, str] = {}   # lower-case name -> canonical list arg name (for normalising)
    arg_names: tuple[str, ...] = ()      # command args in their canonical casing
    image_base = ""                      # remoteUrl prefix of artwork (set by the subclasses)

    def __init__(self, library: SampleLibrary, *, api_key: str, instance: str | None = None,
                 files_root: str | None = None):
        self.catalog = library
        self.instance = instance or self.service
        self.api_key = api_key
        self.disk = arr_files.attach(self, files_root)  # real files on disk (opt-in), see sims/arr_files.py
        self.sim = Simulator(self.service, instance=self.instance, library=None, api_key=api_key)
        self.sim.state_hooks.append(self.state_snapshot)
        self.sim.reset_hooks.append(self.reset_state)
        self.polls_to_complete = 1
        self.fail_commands: set[str] = set()
        self.extra_health: list[dict[str, Any]] = []
        self.lock = threading.RLock()
        self.reset_state()

    # ---- state -------------------------------------------------------------------------------
    def reset_state(self) -> None:
        with self.lock:
            self.library = self.catalog.for_instance(self.instance)
            if self.disk is not None:
                self.disk.lay_out(self.library, self.service)
            self.sim.library = self.library
            self.tags: dict[int, str] = dict(self.library.tags)
            self.commands_by_id: dict[int, dict[str, Any]] = {}
            self.command_polls: dict[int, int] = {}
            self.next_command_id = 1000
            self.exclusions: list[dict[str, Any]] = []
            self.queue: list[dict[str, Any]] = []
            self.reset_media_state()

    def reset_media_state(self) -> None:
        """Subclasses rebuild their id indexes here."""

    def state_snapshot(self) -> dict[str, Any]:
        return {"tags": {str(k): v for k, v in sorted(self.tags.items())},
                "exclusions": list(self.exclusions),
                "commands": [self.commands_by_id[i] for i in sorted(self.commands_by_id)]}

    # ---- hooks for subclasses ----------------------------------------------------------------
    def tag_usage(self, tag_id: int) -> list[int]:
        raise NotImplementedError

    def health_checks(self) -> list[dict[str, Any]]:
        return []

    def run_command(self, name: str, body: CIDict) -> str | None:
        """Apply a command's effect when it completes; return a message (or raise to fail)."""
        return None

    def normalise_command_body(self, name: str, body: CIDict) -> dict[str, Any]:
        return {k: v for k, v in body.raw.items() if k.lower() != "name"}

    def add_routes(self, router: APIRouter) -> None:
        raise NotImplementedError
    # The route helpers below also call the subclass's apply_edit(item, body, tags) / delete_file(id).

    # ---- media helpers shared by the subclasses ----------------------------------------------
    @staticmethod
    def find_or_404(items: dict[int, Any], item_id: int) -> Any:
        item = items.get(item_id)
        if item is None:
            raise not_found()
        return item

    @staticmethod
    def removed_check(removed: list[Any], *, source: str, message: str, wiki: str) -> list[dict[str, Any]]:
        """The ``Removed…Check`` health item (``message`` is formatted with ``names``), or nothing."""
        if not removed:
            return []
        return [{"id": 1, "source": source, "type": "error", "message": message.format(names=", ".join(removed)),
                 "wikiUrl": wiki}]

    def cover_images(self, item_id: int, artworks: Any) -> list[dict[str, Any]]:
        """Radarr/Sonarr ``images``: poster, fanart and clearlogo (Lidarr's shape differs)."""
        out = []
        for cover, kind in (("poster", "poster"), ("fanart", "background"), ("clearlogo", "logo")):
            art = primary_artwork(artworks, kind)
            if art is not None:
                out.append({"coverType": cover, "url": f"/MediaCover/{item_id}/{cover}.{art.extension}?lastWrite={LAST_WRITE}",
                            "remoteUrl": f"{self.image_base}{art.file_path}"})
        return out

    def apply_tag_edit(self, item: Any, body: CIDict, tags: list[int] | None) -> None:
        """The ``tags`` + ``applyTags`` part of an edit (editor or PUT), recorded when it changes."""
        if tags is None:
            return
        before = list(item.tags)
        item.tags = self.apply_tags(item.tags, tags, str(body.get("applyTags") or "add").lower())
        if item.tags != before:
            self.sim.record("tag_changes", action="apply", media_id=item.id, before=before, after=list(item.tags))

    def canonical_command_args(self, name: str, body: CIDict, *, legacy: tuple[str, ...], single: str,
                               plural: str, int_lists: tuple[str, ...]) -> dict[str, Any]:
        """Args in ``arg_names`` casing; ``legacy`` commands map a lone ``single`` id into ``plural``."""
        args: dict[str, Any] = {}
        for key, value in body.raw.items():
            if key.lower() != "name":
                args[next((a for a in self.arg_names if a.lower() == key.lower()), key)] = value
        if name in legacy and plural not in args and isinstance(args.get(single), int):
            args[plural] = [args.pop(single)]  # legacy single id, mapped into the list
        for key in int_lists:
            if key in args:
                args[key] = int_list(args[key], key)
        return args

    def add_editor_routes(self, router: APIRouter, *, media: str, ids_key: str, label: str,
                          get: Callable[[int], Any], resource: Callable[[Any], dict[str, Any]],
                          delete: Callable[[Any, bool, bool], None], exclusion_flag: str) -> None:
        """``PUT``/``DELETE /{media}/editor`` (202 / 200); ``exclusion_flag``: Radarr's ``addImportExclusion``."""
        sim = self

        @router.put(f"/{media}/editor")
        async def editor(request: Request) -> Response:
            body = CIDict(await read_json(request))
            ids = int_list(body.get(ids_key), ids_key)
            if not ids:
                raise validation_error(ids_key, f"'{label}' must not be empty.", ids)
            with sim.lock:
                items = [get(i) for i in ids]
                tags = sim.valid_tags(body.get("tags") or []) if "tags" in body else None
                for item in items:
                    sim.apply_edit(item, body, tags)
                return arr_json([resource(i) for i in items], 202)

        @router.delete(f"/{media}/editor")
        async def editor_delete(request: Request) -> Response:
            body = CIDict(await read_json(request))
            ids = int_list(body.get(ids_key), ids_key)
            with sim.lock:
                for item_id in ids:
                    delete(get(item_id), bool(body.get("deleteFiles")), bool(body.get(exclusion_flag)))
            return Response(status_code=200)

    def apply_root_folder_move(self, item: Any, body: CIDict, id_field: str) -> None:
        """Editor ``rootFolderPath`` without ``path``: move under the new root (Sonarr has its own move)."""
        root = body.get("rootFolderPath")
        if root and "path" not in body and root.rstrip("/") != item.root_folder:
            old = item.path
            item.root_folder = root.rstrip("/")
            item.path = f"{item.root_folder}/{item.folder_name}"
            self.disk_move(old, item.path, bool(body.get("moveFiles")))
            self.sim.record("moves", **{id_field: item.id}, source=old, destination=item.path,
                            move_files=bool(body.get("moveFiles")))

    def add_file_delete_routes(self, router: APIRouter, path: str, ids_key: str) -> None:
        """``DELETE {path}/bulk`` (``{ids_key: [...]}``) and ``DELETE {path}/{file_id}`` via
        :meth:`delete_file`; bulk first, so ``bulk`` is not read as an id."""
        sim = self

        @router.delete(f"{path}/bulk")
        async def delete_files(request: Request) -> Response:
            ids = int_list(CIDict(await read_json(request)).get(ids_key), ids_key)
            with sim.lock:
                for file_id in ids:
                    sim.delete_file(file_id)
            return Response(status_code=200)

        @router.delete(path + "/{file_id}")
        async def delete_file(file_id: int) -> Response:
            with sim.lock:
                sim.delete_file(file_id)
            return Response(status_code=200)

    def add_monitor_route(self, router: APIRouter, path: str, ids_key: str,
                          children: Callable[[], dict[int, tuple[Any, Any]]],
                          resource: Callable[[Any, Any], dict[str, Any]] | None = None) -> None:
        """``PUT /episode/monitor`` | ``/album/monitor``: set ``monitored`` on the known ids; 202 with
        the updated resources (what the real servers answer, and what pyarr asserts is a list)."""
        sim = self

        @router.put(path)
        async def monitor(request: Request) -> Response:
            body = CIDict(await read_json(request))
            updated = []
            with sim.lock:
                index = children()
                for child_id in int_list(body.get(ids_key), ids_key):
                    if child_id in index:
                        index[child_id][1].monitored = bool(body.get("monitored"))
                        updated.append(index[child_id])
                answer = [resource(parent, child) for parent, child in updated] if resource else []
            return arr_json(answer, 202)

    # ---- app ---------------------------------------------------------------------------------
    def auth(self, request: Request) -> None:
        key = credential(request, headers=("x-api-key",), query=("apikey",), bearer=True)
        if key != self.api_key:
            raise ArrError(401)

    def build(self) -> FastAPI:
        app = FastAPI(title=f"{self.app_name} simulator", docs_url=None, redoc_url=None, openapi_url=None)

        @app.exception_handler(ArrError)
        async def _arr_error(request: Request, exc: ArrError) -> Response:
            if exc.body is None:
                return Response(status_code=exc.status)
            return arr_json(exc.body, exc.status)

        @app.exception_handler(RequestValidationError)
        async def _validation(request: Request, exc: RequestValidationError) -> Response:
            errors = [{"propertyName": ".".join(str(p) for p in err.get("loc", [])[1:]) or "request",
                       "errorMessage": err.get("msg", "invalid"), "severity": "error"} for err in exc.errors()]
            return arr_json(errors, 400)

        router = APIRouter(prefix=self.api_base, dependencies=[Depends(self.auth)])
        self.add_common_routes(router)
        self.add_routes(router)
        app.include_router(router)
        self.add_cover_routes(app)

        @app.get("/ping")
        async def ping() -> Response:
            return arr_json({"status": "OK"})

        install(app, self.sim)
        app.state.arr = self
        self.sim.unauthorized = lambda: (401, {}, b"")
        return app

    def add_cover_routes(self, app: FastAPI) -> None:
        """Subclasses serve ``/MediaCover/...`` (UI path, key accepted like the API)."""

    # ---- shared resources --------------------------------------------------------------------
    def system_status(self) -> dict[str, Any]:
        return {
            "appName": self.app_name, "instanceName": self.instance_name(), "version": self.version,
            "buildTime": "2025-06-01T12:00:00Z", "isDebug": False, "isProduction": True, "isAdmin": False,
            "isUserInteractive": False, "startupPath": "/app/bin", "appData": "/config", "osName": "ubuntu",
            "osVersion": "22.04", "isNetCore": True, "isLinux": True, "isOsx": False, "isWindows": False,
            "isDocker": True, "mode": "console", "branch": "master", "authentication": "forms",
            "databaseType": "sqLite", "databaseVersion": "3.45.1", "migrationVersion": 240, "urlBase": "",
            "runtimeVersion": "8.0.12", "runtimeName": ".NET", "startTime": START_TIME, "packageVersion": "",
            "packageUpdateMechanism": "docker",
        }

    def instance_name(self) -> str:
        if self.instance == self.service:
            return self.app_name
        return self.instance.replace("_", " ").title().replace(" ", "")

    def tag_resource(self, tag_id: int) -> dict[str, Any]:
        return {"id": tag_id, "label": self.tags[tag_id]}

    def tag_detail(self, tag_id: int) -> dict[str, Any]:
        detail = {"id": tag_id, "label": self.tags[tag_id], "delayProfileIds": [], "importListIds": [],
                  "notificationIds": [], "indexerIds": [], "downloadClientIds": [], "autoTagIds": [],
                  self.media_ids_key: self.tag_usage(tag_id)}
        detail["restrictionIds" if self.service != "radarr" else "releaseProfileIds"] = []
        return detail

    def valid_tags(self, tag_ids: Iterable[int], prop: str = "tags") -> list[int]:
        ids = int_list(list(tag_ids) if tag_ids is not None else [], prop)
        unknown = [t for t in ids if t not in self.tags]
        if unknown:
            raise validation_error(prop, f"Tag(s) {unknown} do not exist", unknown)
        return ids

    @staticmethod
    def apply_tags(current: list[int], tag_ids: list[int], mode: str) -> list[int]:
        if mode == "add":
            return sorted(set(current) | set(tag_ids))
        if mode == "remove":
            return sorted(set(current) - set(tag_ids))
        if mode == "replace":
            return sorted(set(tag_ids))
        raise validation_error("applyTags", f"'{mode}' is not one of add, remove, replace", mode)

    def command_resource(self, command: dict[str, Any]) -> dict[str, Any]:
        return command

    def add_common_routes(self, router: APIRouter) -> None:
        sim = self

        @router.get("/system/status")
        async def system_status() -> Response:
            return arr_json(sim.system_status())

        @router.get("/health")
        async def health() -> Response:
            return arr_json([*sim.health_checks(), *sim.extra_health])

        @router.get("/tag")
        async def list_tags() -> Response:
            return arr_json([sim.tag_resource(t) for t in sorted(sim.tags)])

        @router.get("/tag/detail")
        async def tag_details() -> Response:
            return arr_json([sim.tag_detail(t) for t in sorted(sim.tags)])

        @router.get("/tag/detail/{tag_id}")
        async def tag_detail(tag_id: int) -> Response:
            if tag_id not in sim.tags:
                raise not_found()
            return arr_json(sim.tag_detail(tag_id))

        @router.get("/tag/{tag_id}")
        async def get_tag(tag_id: int) -> Response:
            if tag_id not in sim.tags:
                raise not_found()
            return arr_json(sim.tag_resource(tag_id))

        def checked_label(body: CIDict) -> str:
            label = body.get("label")
            if not isinstance(label, str) or not label.strip():
                raise validation_error("Label", "'Label' must not be empty.", label)
            label = label.strip()
            if not set(label.lower()) <= TAG_LABEL_CHARS:
                raise validation_error("Label", "Allowed characters a-z, 0-9 and -", label)
            return label.lower()

        @router.post("/tag")
        async def create_tag(request: Request) -> Response:
            label = checked_label(CIDict(await read_json(request)))
            with sim.lock:
                existing = next((i for i, l in sim.tags.items() if l == label), None)
                if existing is None:
                    existing = max(sim.tags, default=0) + 1
                    sim.tags[existing] = label
                    sim.sim.record("tag_changes", action="create", id=existing, label=label)
            return arr_json(sim.tag_resource(existing), 201)

        @router.put("/tag/{tag_id}")
        async def update_tag(tag_id: int, request: Request) -> Response:
            if tag_id not in sim.tags:
                raise not_found()
            label = checked_label(CIDict(await read_json(request)))
            with sim.lock:
                sim.tags[tag_id] = label
                sim.sim.record("tag_changes", action="update", id=tag_id, label=label)
            return arr_json(sim.tag_resource(tag_id), 202)

        @router.delete("/tag/{tag_id}")
        async def delete_tag(tag_id: int) -> Response:
            if tag_id not in sim.tags:
                raise not_found()
            if sim.tag_usage(tag_id):
                raise ArrError(409, {"message": f"'{sim.tags[tag_id]}' cannot be deleted since it's still in use",
                                     "description": None})
            with sim.lock:
                label = sim.tags.pop(tag_id)
                sim.sim.record("tag_changes", action="delete", id=tag_id, label=label)
            return Response(status_code=200)

        @router.get("/rootfolder")
        async def root_folders() -> Response:
            return arr_json([sim.root_folder_resource(r) for r in sim.own_root_folders()])

        @router.get("/rootfolder/{folder_id}")
        async def root_folder(folder_id: int) -> Response:
            for folder in sim.own_root_folders():
                if folder.id == folder_id:
                    return arr_json(sim.root_folder_resource(folder))
            raise not_found()

        @router.get("/qualityprofile")
        async def quality_profiles() -> Response:
            return arr_json([sim.quality_profile_resource(p) for p in sim.profiles()])

        @router.get("/qualityprofile/{profile_id}")
        async def quality_profile(profile_id: int) -> Response:
            for profile in sim.profiles():
                if profile.id == profile_id:
                    return arr_json(sim.quality_profile_resource(profile))
            raise not_found()

        @router.post("/command")
        async def post_command(request: Request) -> Response:
            return arr_json(sim.create_command(CIDict(await read_json(request))), 201)

        @router.get("/command")
        async def list_commands() -> Response:
            return arr_json([sim.commands_by_id[i] for i in sorted(sim.commands_by_id)])

        @router.get("/command/{command_id}")
        async def get_command(command_id: int) -> Response:
            return arr_json(sim.poll_command(command_id))

        @router.delete("/command/{command_id}")
        async def cancel_command(command_id: int) -> Response:
            with sim.lock:
                command = sim.commands_by_id.get(command_id)
                if command is None:
                    raise not_found()
                if command["status"] in ("queued", "started"):
                    command.update(status="cancelled", stateChangeTime=now_iso())
            return Response(status_code=200)

        @router.get("/queue")
        async def queue(request: Request) -> Response:
            return arr_json(paged(request, list(sim.queue), sort_key="timeleft"))

    # ---- import-list exclusions ---------------------------------------------------------------
    def exclusion(self, exclusion_id: int) -> dict[str, Any]:
        item = next((e for e in self.exclusions if e["id"] == exclusion_id), None)
        if item is None:
            raise not_found()
        return item

    def add_exclusion_item(self, values: dict[str, Any]) -> dict[str, Any]:
        key = self.exclusion_key
        external = values.get(key)
        prop = key[0].upper() + key[1:]
        if key == "foreignId" and (not isinstance(external, str) or not external):
            raise validation_error(prop, "'Foreign Id' must not be empty.", external)
        if key != "foreignId" and (not isinstance(external, int) or isinstance(external, bool) or external <= 0):
            raise validation_error(prop, f"'{prop}' must be greater than '0'.", external)
        if any(e[key] == external for e in self.exclusions):
            raise validation_error(prop, "This exclusion has already been added", external)
        item = {"id": max((e["id"] for e in self.exclusions), default=0) + 1,
                **{f: values.get(f) if values.get(f) is not None else ("" if f != "movieYear" else 0)
                   for f in self.exclusion_fields}}
        self.exclusions.append(item)
        self.sim.record("exclusions", action="add", **item)
        return item

    def add_exclusion_routes(self, router: APIRouter) -> None:
        sim, base = self, f"/{self.exclusion_path}"

        @router.get(base)
        async def exclusions() -> Response:
            return arr_json(list(sim.exclusions))

        if self.exclusion_extras:
            @router.get(f"{base}/paged")
            async def exclusions_paged(request: Request) -> Response:
                return arr_json(paged(request, list(sim.exclusions), sort_key="id",
                                      key_funcs={f: (lambda e, f=f: e[f]) for f in ("id", *sim.exclusion_fields)}))

            @router.delete(f"{base}/bulk")
            async def delete_bulk(request: Request) -> Response:
                ids = set(int_list(CIDict(await read_json(request)).get("ids"), "ids"))
                with sim.lock:
                    sim.exclusions = [e for e in sim.exclusions if e["id"] not in ids]
                return Response(status_code=200)

        @router.post(base)
        async def add_exclusion(request: Request) -> Response:
            body = CIDict(await read_json(request))
            with sim.lock:
                return arr_json(sim.add_exclusion_item({f: body.get(f) for f in sim.exclusion_fields}), 201)

        @router.get(base + "/{exclusion_id}")
        async def get_exclusion(exclusion_id: int) -> Response:
            return arr_json(sim.exclusion(exclusion_id))

        @router.put(base + "/{exclusion_id}")
        async def update_exclusion(exclusion_id: int, request: Request) -> Response:
            body = CIDict(await read_json(request))
            with sim.lock:
                item = sim.exclusion(exclusion_id)
                item.update({f: body.get(f) for f in sim.exclusion_fields if f in body})
                return arr_json(item, 202)

        @router.delete(base + "/{exclusion_id}")
        async def delete_exclusion(exclusion_id: int) -> Response:
            with sim.lock:
                sim.exclusion(exclusion_id)
                sim.exclusions = [e for e in sim.exclusions if e["id"] != exclusion_id]
            return Response(status_code=200)

    # ---- root folders / profiles -------------------------------------------------------------
    def own_root_folders(self) -> list[Any]:
        media = {"radarr": "movie", "sonarr": "show", "lidarr": "artist"}[self.service]
        return [r for r in self.library.root_folders if r.media == media]

    def profiles(self) -> list[Any]:
        return list(self.library.quality_profiles)

    def root_folder_resource(self, folder: Any) -> dict[str, Any]:
        return {"id": folder.id, "path": folder.path, "accessible": True, "freeSpace": folder.free_space,
                "unmappedFolders": []}

    def quality_profile_resource(self, profile: Any) -> dict[str, Any]:
        cutoff = QUALITIES.get(profile.cutoff, QUALITIES["Unknown"])[0]
        limit = 2160 if "2160" in profile.cutoff else 1080
        items = [{"quality": quality_model(name, self.service)["quality"], "items": [],
                  "allowed": QUALITIES[name][2] <= limit} for name in QUALITIES if name != "Unknown"]
        data = {"id": profile.id, "name": profile.name, "upgradeAllowed": True, "cutoff": cutoff, "items": items,
                "minFormatScore": 0, "cutoffFormatScore": 0, "formatItems": []}
        if self.service != "lidarr":
            data["minUpgradeFormatScore"] = 1
        if self.service == "radarr":
            data["language"] = {"id": 1, "name": "English"}
        return data

    # ---- commands ----------------------------------------------------------------------------
    def create_command(self, body: CIDict) -> dict[str, Any]:
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise validation_error("Name", "'Name' must not be empty.", name)
        display = self.commands.get(name.lower())
        if display is None:
            # The real server's command lookup throws: a 500, not a clean 400 (contracts §1).
            raise ArrError(500, {"message": f"Unknown command '{name}'",
                                 "description": "System.ArgumentException: Unknown command"})
        canonical = next(k for k in self.commands if k == name.lower())
        args = self.normalise_command_body(canonical, body)
        stamp = now_iso()
        with self.lock:
            self.next_command_id += 1
            cid = self.next_command_id
            command_name = _canonical_case(name, display)
            command = {
                "id": cid, "name": command_name, "commandName": display,
                "body": {**args, "sendUpdatesToClient": True, "updateScheduledTask": True,
                         "requiresDiskAccess": False, "isExclusive": False, "isTypeExclusive": False,
                         "isLongRunning": False, "name": command_name, "trigger": "manual",
                         "suppressMessages": False},
                "priority": "normal", "status": "queued", "result": "unknown", "queued": stamp,
                "trigger": "manual", "stateChangeTime": stamp, "sendUpdatesToClient": True,
                "updateScheduledTask": True,
            }
            self.commands_by_id[cid] = command
            self.command_polls[cid] = 0
        self.sim.record("commands", id=cid, name=command_name, body=args)
        return command

    def poll_command(self, command_id: int) -> dict[str, Any]:
        with self.lock:
            command = self.commands_by_id.get(command_id)
            if command is None:
                raise not_found()
            if command["status"] not in ("queued", "started"):
                return command
            self.command_polls[command_id] += 1
            polls = self.command_polls[command_id]
            stamp = now_iso()
            if polls < self.polls_to_complete:
                command.update(status="started", started=stamp, stateChangeTime=stamp)
                return command
            status, message = "completed", "Completed"
            if command["name"].lower() in self.fail_commands:
                status, message = "failed", f"{command['commandName']} failed (simulated)"
            else:
                try:
                    message = self.run_command(command["name"].lower(), CIDict(command["body"])) or "Completed"
                except ArrError as exc:
                    status, message = "failed", str(exc.body)
            command.update(status=status, result="successful" if status == "completed" else "unsuccessful",
                           started=command.get("started", stamp), ended=stamp, duration="00:00:00.0500000",
                           message=message, stateChangeTime=stamp, lastExecutionTime=stamp)
            self.sim.record("command_results", id=command_id, name=command["name"], status=status)
            return command

    # ---- images ------------------------------------------------------------------------------
    @staticmethod
    def image_response(artwork: Artwork | None, title: str, *, small: bool = False) -> Response:
        if artwork is None:
            raise not_found()
        data = render_artwork(artwork, title, small=small)
        return Response(data, media_type=artwork.mime_type)


def _canonical_case(sent: str, display: str) -> str:
    """The class name the server echoes: display name without spaces (``Movies Search``→``MoviesSearch``)."""
    joined = display.replace(" ", "")
    return joined if joined.lower() == sent.lower() else sent
