"""Routes of Jellyfin/Emby that client libraries (jellyfin-apiclient-python) call and the core
simulator did not serve. ``build_app`` adds :func:`client_routes` to its route table.

* the per-user item routes ``/Users/{id}/Items`` and ``/Users/{id}/Items/{item}`` — Jellyfin still
  serves them (they are only hidden from its OpenAPI document), Emby always did;
* ``/Users/{id}``, ``/Users/Public`` (no hidden users are public: an empty list, as a server with
  one administrator answers), ``/Users/{id}/Views`` (the libraries as items);
* ``/Items/Latest`` and ``/Users/{id}/Items/Latest`` — a bare list, newest first (no envelope);
* ``/Genres`` — the genres of the items in scope, as ``Genre`` items;
* ``POST /Library/Refresh`` and ``POST /Items/{id}/Refresh`` — 204, recorded as ``refreshes``;
* ``/Sessions`` (the simulated admin's one session) and ``/Plugins`` (none installed).
"""

from __future__ import annotations

from typing import Any, Callable

from curatarr.sims.mediabrowser_items import ITEM_KINDS, MBError

Handler = Callable[..., Any]
UUID = r"([0-9a-fA-F-]{32,36}|\d+)"


def client_routes(sim: Any, items: Handler, item: Handler, users: Handler) -> list[tuple[str, str, Handler, bool]]:
    """(method, path pattern, handler, public) rows for the simulator's route table.

    ``items``/``item``/``users`` are the core handlers (``/Items``, ``/Items/{id}``, ``/Users``)."""

    def user_or_404(srv: Any, user_id: str) -> dict[str, Any]:
        if user_id.replace("-", "").lower() != str(srv.user_id).lower():
            raise MBError(404, "User not found")
        return users(srv, None, None)[0]

    def user(srv, q, request, user_id):
        return user_or_404(srv, user_id)

    def public_users(srv, q, request):
        return []

    def views(srv, q, request, user_id):
        user_or_404(srv, user_id)
        return {"Items": [srv.folder_dto(f) for f in srv.folders], "TotalRecordCount": len(srv.folders),
                "StartIndex": 0}

    def user_items(srv, q, request, user_id):
        user_or_404(srv, user_id)
        return items(srv, q, request)

    def user_item(srv, q, request, user_id, item_id):
        user_or_404(srv, user_id)
        return item(srv, q, request, item_id)

    def latest(srv, q, request, user_id=None):
        if user_id is not None:
            user_or_404(srv, user_id)
        include = q.list("IncludeItemTypes") or ["Movie", "Series", "MusicAlbum"]
        for kind in include:
            if kind not in ITEM_KINDS:
                raise MBError(400, f"The value '{kind}' is not valid.")
        entries = [e for e in srv.scope(q.get("ParentId"), True) if e.kind in include]
        entries.sort(key=lambda e: str(getattr(e.item, "added", "") or ""), reverse=True)
        limit = q.int("Limit", 20) or 20
        fields = {f.lower() for f in q.list("Fields")} | {"datecreated"}
        return [srv.item_dto(e, fields) for e in entries[:max(0, limit)]]

    def genres(srv, q, request):
        include = q.list("IncludeItemTypes")
        names: dict[str, int] = {}
        for entry in srv.scope(q.get("ParentId"), True):
            if include and entry.kind not in include:
                continue
            for genre in getattr(entry.item, "genres", None) or ():
                names[genre] = names.get(genre, 0) + 1
        out = [{"Name": name, "ServerId": srv.server_id, "Id": genre_id(name), "Type": "Genre", "IsFolder": False,
                "ChildCount": count} for name, count in sorted(names.items())]
        start = max(0, q.int("StartIndex", 0) or 0)
        limit = q.int("Limit")
        chosen = out[start:] if limit is None else out[start:start + max(0, limit)]
        return {"Items": chosen, "TotalRecordCount": len(out), "StartIndex": start}

    def refresh_library(srv, q, request):
        sim.record("refreshes", scope="library")
        return _no_content()

    def refresh_item(srv, q, request, item_id):
        srv.entry(item_id)   # 404 for an unknown item
        sim.record("refreshes", scope="item", item_id=item_id, recursive=q.bool("Recursive"),
                   metadata=q.get("MetadataRefreshMode"), images=q.get("ImageRefreshMode"),
                   replace_metadata=q.bool("ReplaceAllMetadata"), replace_images=q.bool("ReplaceAllImages"))
        return _no_content()

    def sessions(srv, q, request):
        return [{"Id": f"{srv.server_id[:16]}session0001", "UserId": srv.user_id, "UserName": "admin",
                 "Client": "Curatarr simulator", "DeviceName": "simulator", "DeviceId": "simulator-device",
                 "ApplicationVersion": srv.flavor.version, "IsActive": True, "SupportsRemoteControl": False,
                 "PlayableMediaTypes": [], "SupportedCommands": [], "LastActivityDate": "2026-01-01T00:00:00.0000000Z",
                 "ServerId": srv.server_id}]

    def plugins(srv, q, request):
        return []

    return [
        ("GET", r"/Users/Public", public_users, True),
        ("GET", rf"/Users/{UUID}", user, False),
        ("GET", rf"/Users/{UUID}/Views", views, False),
        ("GET", rf"/Users/{UUID}/Items/Latest", latest, False),
        ("GET", rf"/Users/{UUID}/Items", user_items, False),
        ("GET", rf"/Users/{UUID}/Items/{UUID}", user_item, False),
        ("GET", r"/Items/Latest", latest, False),
        ("GET", r"/Genres", genres, False),
        ("POST", r"/Library/Refresh", refresh_library, False),
        ("POST", rf"/Items/{UUID}/Refresh", refresh_item, False),
        ("GET", r"/Sessions", sessions, False),
        ("GET", r"/Plugins", plugins, False),
    ]


def genre_id(name: str) -> str:
    import hashlib

    return hashlib.md5(f"genre:{name}".encode()).hexdigest()


def _no_content():
    from starlette.responses import Response

    return Response(status_code=204)
