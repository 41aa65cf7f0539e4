"""The shared core of the Jellyfin and Emby simulators (both descend from MediaBrowser and still
speak the same item/image API; reference/contracts.md §7).

What differs between the two is a :class:`Flavor`: URL prefix (Emby lives under ``/emby``), id
style (Jellyfin: 32-hex GUIDs, Emby: integers as strings), product name/version and which
credential forms are accepted. Behaviour both share:

* Paths and query parameter names are case-insensitive (ASP.NET routing); list parameters take
  comma-separated values or repeats; unknown ``Fields`` values are ignored; nulls are omitted.
* ``/Items`` with ``ParentId`` / ``Recursive`` / ``IncludeItemTypes`` / ``SearchTerm`` / ``Ids``
  / ``StartIndex`` / ``Limit`` and ``TotalRecordCount``; optional DTO fields only when asked for
  in ``Fields`` (``ProviderIds``, ``Path``, ``Tags``, ``Overview`` …); ``/Items/{id}`` has all.
* Collections: ``IncludeItemTypes=BoxSet`` (recursive, no parent) lists one ``BoxSet`` per TMDB
  collection (``ProviderIds.Tmdb`` = the collection id); ``ParentId={boxset}`` lists its movies.
* Images: ``POST /Items/{id}/Images/{type}[/{index}]`` takes **base64 text** with an ``image/*``
  content type (else 400), answers 204; ``Backdrop`` appends, other types replace; uploads are
  recorded with the sha256 of the decoded bytes. ``DELETE`` removes (204); image GETs need no auth.
* ``POST /Items/{id}`` (UpdateItem) takes the full item JSON (a partial body is a 400, as on
  Jellyfin) and keeps its ``Tags`` (Emby: ``TagItems``); changes are recorded as ``tag_changes``.
* Emby only: ``/Items?AnyProviderIdEquals=tmdb.603,imdb.tt…`` (case-insensitive); Jellyfin 10.11
  has no provider-id filter and ignores the parameter.

This module is the HTTP layer (query parsing, auth, routing, handlers); the item model, image
state and DTO rendering live in :mod:`curatarr.sims.mediabrowser_items`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from curatarr.sims.base import Simulator, install, json_response
from curatarr.sims.library import Episode, SampleLibrary, stable_hex
from curatarr.sims.mediabrowser_client_routes import client_routes
# The item model lives in mediabrowser_items; names re-exported for importers (jellyfin, emby).
from curatarr.sims.mediabrowser_items import (  # noqa: F401
    BLURHASH, DEFAULT_IMAGES, HAS_BACKDROP, IMAGE_TYPES, ITEM_KINDS, MULTI_IMAGE_TYPES, TICKS_PER_MINUTE, Entry,
    Flavor, Folder, MBError, MBImage, MBServerState,
)
from curatarr.sims.plex_tree import instance_view


def _token_from_header(value: str | None) -> str | None:
    """``MediaBrowser Client="x", Token="abc"`` -> ``abc``."""
    if not value:
        return None
    match = re.search(r'Token="?([^",]+)"?', value, re.IGNORECASE)
    return match.group(1).strip() if match else None


# ---- HTTP layer ------------------------------------------------------------------------------------
class Query:
    """Case-insensitive query parameters with MediaBrowser's list and bool conventions."""

    def __init__(self, request: Request):
        self._values: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            self._values.setdefault(key.lower(), []).append(value)

    def get(self, name: str) -> str | None:
        values = self._values.get(name.lower())
        return values[-1] if values else None

    def list(self, name: str) -> list[str]:
        return [v.strip() for raw in self._values.get(name.lower(), []) for v in raw.split(",") if v.strip()]

    def int(self, name: str, default: int | None = None) -> int | None:
        raw = self.get(name)
        if raw in (None, ""):
            return default
        try:
            return int(raw)
        except ValueError:
            raise MBError(400, f"The value '{raw}' is not valid for {name}.") from None

    def bool(self, name: str, default: bool = False) -> bool:
        raw = self.get(name)
        if raw in (None, ""):
            return default
        if raw.lower() not in ("true", "false", "1", "0"):
            raise MBError(400, f"The value '{raw}' is not valid for {name}.")
        return raw.lower() in ("true", "1")


def build_app(library: SampleLibrary, flavor: Flavor, *, api_key: str, instance: str,
              small_images: bool = False, legacy_auth: bool | None = None) -> Starlette:
    """The Jellyfin or Emby simulator app for ``library`` (see module docstring)."""
    legacy = flavor.legacy_auth if legacy_auth is None else legacy_auth
    unauthorized_body = b"" if flavor.name == "jellyfin" else b"Access token is invalid or expired."
    sim = Simulator(flavor.name, instance=instance, library=library, api_key=api_key,
                    unauthorized=lambda: (401, {"Content-Type": "text/plain"} if unauthorized_body else {},
                                          unauthorized_body))
    holder: dict[str, MBServerState] = {}

    def rebuild() -> None:
        holder["srv"] = MBServerState(instance_view(library, instance), flavor, instance, small_images)

    rebuild()
    sim.reset_hooks.append(rebuild)

    def credential(request: Request, query: Query) -> str | None:
        token = (_token_from_header(request.headers.get("authorization")) or query.get("ApiKey"))
        if token or not legacy:
            return token
        return (_token_from_header(request.headers.get("x-emby-authorization"))
                or request.headers.get("x-emby-token") or request.headers.get("x-mediabrowser-token")
                or query.get("api_key"))

    def problem(status: int, detail: str) -> Response:
        body = {"type": "https://tools.ietf.org/html/rfc9110#section-15.5", "title": detail or "Error",
                "status": status, "detail": detail}
        return json_response(body, status)

    # -- handlers (each gets srv, query, request, path groups) --
    def system_info(srv: MBServerState, q: Query, request: Request, public: bool = False) -> Any:
        info = {"LocalAddress": str(request.base_url).rstrip("/") + flavor.prefix, "ServerName": srv.server_name,
                "Version": flavor.version, "ProductName": flavor.product, "Id": srv.server_id,
                "StartupWizardCompleted": True}
        if not public:
            info.update(OperatingSystem="Linux", OperatingSystemDisplayName="Linux", HasPendingRestart=False,
                        IsShuttingDown=False, SupportsLibraryMonitor=True, WebSocketPortNumber=8096,
                        CanSelfRestart=True, CanLaunchWebBrowser=False, HasUpdateAvailable=False,
                        ProgramDataPath="/config", CachePath="/cache", LogPath="/config/log",
                        SystemArchitecture="X64")
        return info

    def configuration(srv: MBServerState, q: Query, request: Request) -> Any:
        return {"ServerName": srv.server_name, "PreferredMetadataLanguage": "en", "MetadataCountryCode": "US",
                "UICulture": "en-US", "IsStartupWizardCompleted": True, "EnableLegacyAuthorization": legacy}

    def users(srv: MBServerState, q: Query, request: Request) -> Any:
        return [{"Name": "admin", "ServerId": srv.server_id, "Id": srv.user_id, "HasPassword": True,
                 "HasConfiguredPassword": True, "HasConfiguredEasyPassword": False, "EnableAutoLogin": False,
                 "Policy": {"IsAdministrator": True, "IsHidden": False, "IsDisabled": False,
                            "EnableAllFolders": True, "AuthenticationProviderId": "DefaultAuthenticationProvider",
                            "PasswordResetProviderId": "DefaultPasswordResetProvider"}}]

    def virtual_folders(srv: MBServerState, q: Query, request: Request) -> Any:
        return [{"Name": f.name, "Locations": list(f.locations), "CollectionType": f.collection_type,
                 "ItemId": f.id, "RefreshStatus": "Idle",
                 "LibraryOptions": {"Enabled": True, "PathInfos": [{"Path": p} for p in f.locations],
                                    "PreferredMetadataLanguage": "en", "MetadataCountryCode": "US"}}
                for f in srv.folders]

    def page(entries: list[Any], q: Query, render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        start = max(0, q.int("StartIndex", 0) or 0)
        limit = q.int("Limit")
        chosen = entries[start:] if limit is None else entries[start:start + max(0, limit)]
        return {"Items": [render(e) for e in chosen], "TotalRecordCount": len(entries), "StartIndex": start}

    def fields_of(q: Query) -> set[str]:
        return {f.lower() for f in q.list("Fields")}

    def items(srv: MBServerState, q: Query, request: Request) -> Any:
        include, exclude = q.list("IncludeItemTypes"), q.list("ExcludeItemTypes")
        for kind in include + exclude:
            if kind not in ITEM_KINDS:
                raise MBError(400, f"The value '{kind}' is not valid.")
        parent_id, recursive = q.get("ParentId"), q.bool("Recursive")
        if not parent_id and not recursive and not q.list("Ids"):
            folders = [f for f in srv.folders if not include or "CollectionFolder" in include]
            return page(folders, q, srv.folder_dto)
        if q.list("Ids"):
            entries = [srv.entries[i.replace("-", "").lower() if not flavor.numeric_ids else i]
                       for i in q.list("Ids") if (i.replace("-", "").lower() if not flavor.numeric_ids else i)
                       in srv.entries]
        else:
            entries = srv.scope(parent_id, recursive)
            if not parent_id and recursive and "BoxSet" in include:  # collections sit outside the libraries
                entries = entries + srv.boxsets
        if include:
            entries = [e for e in entries if e.kind in include]
        if exclude:
            entries = [e for e in entries if e.kind not in exclude]
        term = (q.get("SearchTerm") or "").lower()
        if term:
            entries = [e for e in entries if term in srv.name(e.item).lower()]
        wanted_ids = _provider_pairs(q.list("AnyProviderIdEquals")) if flavor.name == "emby" else set()
        if wanted_ids:  # Emby only: Jellyfin 10.11 has no provider-id filter (unknown parameters are ignored)
            entries = [e for e in entries
                       if {(k.lower(), str(v).lower()) for k, v in srv.provider_ids(e).items()} & wanted_ids]
        for name, attr in (("IndexNumber", "IndexNumber"), ("ParentIndexNumber", "ParentIndexNumber")):
            wanted = q.int(name)
            if wanted is not None:
                entries = [e for e in entries if _index_of(e.item, attr) == wanted]
        fields = fields_of(q)
        return page(entries, q, lambda e: srv.item_dto(e, fields))

    def item(srv: MBServerState, q: Query, request: Request, item_id: str) -> Any:
        folder = srv.folder(item_id)
        return srv.folder_dto(folder) if folder else srv.item_dto(srv.entry(item_id), None)

    def ancestors(srv: MBServerState, q: Query, request: Request, item_id: str) -> Any:
        entry = srv.entry(item_id)
        chain, parent = [], entry.parent
        while parent is not None:
            parent_entry = srv.entries[srv.item_id(parent)]
            chain.append(srv.item_dto(parent_entry, set()))
            parent = parent_entry.parent
        root = {"Name": "root", "ServerId": srv.server_id, "Id": stable_hex(flavor.name, "root"),
                "Type": "AggregateFolder", "IsFolder": True, "LocationType": "FileSystem", "ImageTags": {},
                "BackdropImageTags": [], "MediaType": "Unknown", "Path": "/config/root"}
        if flavor.numeric_ids:
            root["Id"] = "1"
        return chain + [srv.folder_dto(entry.folder), root]

    def seasons(srv: MBServerState, q: Query, request: Request, item_id: str) -> Any:
        entry = srv.entry(item_id)
        if entry.kind != "Series":
            raise MBError(404, "Series not found.")
        fields = fields_of(q)
        return page([srv.entries[srv.item_id(s)] for s in entry.children], q, lambda e: srv.item_dto(e, fields))

    def episodes(srv: MBServerState, q: Query, request: Request, item_id: str) -> Any:
        entry = srv.entry(item_id)
        if entry.kind != "Series":
            raise MBError(404, "Series not found.")
        season_no, season_id = q.int("Season"), q.get("SeasonId")
        chosen = []
        for season in entry.children:
            if season_no is not None and season.number != season_no:
                continue
            if season_id and srv.item_id(season) != season_id.replace("-", "").lower():
                continue
            chosen += [srv.entries[srv.item_id(e)] for e in srv.entries[srv.item_id(season)].children]
        fields = fields_of(q)
        return page(chosen, q, lambda e: srv.item_dto(e, fields))

    def image_infos(srv: MBServerState, q: Query, request: Request, item_id: str) -> Any:
        entry = srv.entry(item_id)
        out = []
        for image_type, imgs in srv.images(entry).items():
            for index, img in enumerate(imgs):
                info = {"ImageType": image_type, "ImageTag": img.tag, "BlurHash": BLURHASH,
                        "Path": f"/config/metadata/library/{item_id[:2]}/{item_id}/{image_type.lower()}{index}.jpg",
                        "Height": img.height, "Width": img.width,
                        "Size": len(img.data) if img.data is not None else img.width * img.height // 8}
                if image_type in MULTI_IMAGE_TYPES:
                    info["ImageIndex"] = index
                out.append(info)
        return out

    def image_type_of(raw: str) -> str:
        found = next((t for t in IMAGE_TYPES if t.lower() == raw.lower()), None)
        if found is None:
            raise MBError(400, f"The value '{raw}' is not valid.")
        return found

    def get_image(srv: MBServerState, q: Query, request: Request, item_id: str, image_type: str,
                  index: str | None = None) -> Response:
        entry = srv.entry(item_id)
        kind = image_type_of(image_type)
        imgs = srv.images(entry).get(kind, [])
        position = int(index) if index is not None else (q.int("imageIndex", 0) or 0)
        if position >= len(imgs):
            raise MBError(404, "Image not found.")
        data, mime = srv.image_bytes(entry, imgs[position])
        return Response(data, media_type=mime, headers={"Cache-Control": "public", "ETag": f'"{imgs[position].tag}"'})

    async def post_image(srv: MBServerState, q: Query, request: Request, item_id: str, image_type: str,
                         index: str | None = None) -> Response:
        entry = srv.entry(item_id)
        kind = image_type_of(image_type)
        content_type = request.headers.get("content-type", "")
        if not content_type.lower().startswith("image/"):
            raise MBError(400, "Incorrect ContentType.")
        raw = await request.body()
        try:
            data = base64.b64decode(re.sub(rb"\s+", b"", raw), validate=True)
        except (binascii.Error, ValueError):
            raise MBError(400, "The request body is not valid base64.") from None
        if not data:
            raise MBError(400, "The request body is empty.")
        imgs = srv.images(entry).setdefault(kind, [])
        image = MBImage(hashlib.md5(data).hexdigest(), 0, 0, data=data)
        _read_size(image)
        if index is not None:
            position = int(index)
            imgs[position:position + 1] = [image]
        elif kind in MULTI_IMAGE_TYPES:
            imgs.append(image)
        else:
            imgs[:1] = [image]
        sim.record("uploads", item_id=srv.item_id(entry.item), image_type=kind, index=index,
                   sha256=hashlib.sha256(data).hexdigest(), size=len(data), content_type=content_type)
        return Response(status_code=204)

    def delete_image(srv: MBServerState, q: Query, request: Request, item_id: str, image_type: str,
                     index: str | None = None) -> Response:
        entry = srv.entry(item_id)
        kind = image_type_of(image_type)
        position = int(index) if index is not None else (q.int("imageIndex", 0) or 0)
        imgs = srv.images(entry).get(kind, [])
        removed = position < len(imgs)
        if removed:
            del imgs[position]
        sim.record("image_deletes", item_id=srv.item_id(entry.item), image_type=kind, index=position,
                   removed=removed)
        return Response(status_code=204)

    async def update_item(srv: MBServerState, q: Query, request: Request, item_id: str) -> Response:
        """``POST /Items/{id}`` (UpdateItem): the body replaces the item's metadata, so it must be the
        full item; a partial body fails as on Jellyfin (``Value cannot be null``). Only tags are kept."""
        entry = srv.entry(item_id)
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            raise MBError(400, "The JSON value could not be converted to BaseItemDto.") from None
        if not isinstance(body, dict):
            raise MBError(400, "The JSON value could not be converted to BaseItemDto.")
        missing = [k for k in ("Name", "Genres", "ProviderIds") if body.get(k) is None]
        tag_items = body.get("TagItems") if flavor.name == "emby" else None
        if isinstance(tag_items, list) and body.get("Tags") is None:
            body["Tags"] = [t.get("Name") for t in tag_items if isinstance(t, dict) and t.get("Name")]
        if missing or not isinstance(body.get("Tags"), list):
            raise MBError(400, "Value cannot be null. (Parameter 'source')")
        before = srv.tags(entry)
        after = [str(t) for t in body["Tags"] if isinstance(t, str) and t.strip()]
        srv.tag_edits[srv.item_id(entry.item)] = after
        sim.record("tag_changes", item_id=srv.item_id(entry.item), before=before, after=after,
                   added=[t for t in after if t not in before], removed=[t for t in before if t not in after])
        return Response(status_code=204)

    def ping(srv: MBServerState, q: Query, request: Request) -> Any:
        return flavor.product

    uuid_ish = r"([0-9a-fA-F-]{32,36}|\d+)"
    table: list[tuple[str, re.Pattern[str], Callable[..., Any], bool]] = []
    for method, pattern, handler, public in [
        ("GET", r"/System/Info/Public", lambda s, q, r: system_info(s, q, r, public=True), True),
        ("GET", r"/System/Info", system_info, False),
        ("GET", r"/System/Ping", ping, True),
        ("GET", r"/System/Configuration", configuration, False),
        ("GET", r"/Users", users, False),
        ("GET", r"/Library/VirtualFolders", virtual_folders, False),
        ("GET", r"/Items", items, False),
        ("GET", rf"/Items/{uuid_ish}", item, False),
        ("POST", rf"/Items/{uuid_ish}", update_item, False),
        ("GET", rf"/Items/{uuid_ish}/Ancestors", ancestors, False),
        ("GET", rf"/Shows/{uuid_ish}/Seasons", seasons, False),
        ("GET", rf"/Shows/{uuid_ish}/Episodes", episodes, False),
        ("GET", rf"/Items/{uuid_ish}/Images", image_infos, False),
        ("GET", rf"/Items/{uuid_ish}/Images/(\w+)(?:/(\d+))?", get_image, True),
        ("HEAD", rf"/Items/{uuid_ish}/Images/(\w+)(?:/(\d+))?", get_image, True),
        ("POST", rf"/Items/{uuid_ish}/Images/(\w+)(?:/(\d+))?", post_image, False),
        ("DELETE", rf"/Items/{uuid_ish}/Images/(\w+)(?:/(\d+))?", delete_image, False),
    ] + client_routes(sim, items, item, users):  # what client libraries call (mediabrowser_client_routes)
        table.append((method, re.compile(re.escape(flavor.prefix) + pattern + "/?$", re.IGNORECASE), handler, public))

    async def dispatch(request: Request) -> Response:
        path, method = request.url.path, request.method
        matched_path = False
        for route_method, regex, handler, public in table:
            match = regex.match(path)
            if not match:
                continue
            matched_path = True
            if route_method != method:
                continue
            query = Query(request)
            if not public and credential(request, query) != api_key:
                return Response(unauthorized_body, 401, media_type="text/plain" if unauthorized_body else None)
            try:
                result = handler(holder["srv"], query, request, *match.groups())
                if hasattr(result, "__await__"):
                    result = await result
            except MBError as exc:
                return problem(exc.status, exc.detail)
            if isinstance(result, Response):
                if method == "HEAD":
                    return Response(status_code=result.status_code, headers=dict(result.headers))
                return result
            return json_response(result, drop_nulls=True)
        return problem(405 if matched_path else 404, "Method not allowed." if matched_path else "Not found.")

    app = Starlette(routes=[Route("/{path:path}", dispatch, methods=["GET", "HEAD", "POST", "DELETE", "PUT"])])
    return install(app, sim)


def _provider_pairs(values: list[str]) -> set[tuple[str, str]]:
    """``AnyProviderIdEquals`` values ``tmdb.603`` → {("tmdb", "603")} (case-insensitive, as Emby)."""
    out = set()
    for value in values:
        provider, sep, ident = value.partition(".")
        if sep and provider and ident:
            out.add((provider.lower(), ident.lower()))
    return out


def _index_of(item: Any, attr: str) -> int | None:
    if attr == "IndexNumber":
        return getattr(item, "episode_number", None) if isinstance(item, Episode) else getattr(item, "number", None)
    return getattr(item, "season_number", None)


def _read_size(image: MBImage) -> None:
    """Width/height of an uploaded image (for ``/Images`` listings), when Pillow can read it."""
    try:
        import io

        from PIL import Image

        with Image.open(io.BytesIO(image.data or b"")) as img:
            image.width, image.height = img.size
    except Exception:  # not an image Pillow knows: the real server would also report no size
        image.width = image.height = 0
