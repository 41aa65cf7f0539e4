"""The action center's services (Posterizarr's ``/api/assets/overview`` and ``/api/assets/skip``):
asset records sorted into issue categories, and the skip label put on (or taken off) the item's
movie/show on its media server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from curatarr.db.models.posters import PosterAsset
from curatarr.errors import Conflict, DomainError, NotFound
from curatarr.posters.choices import row_dict

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

PROVIDER_PATTERNS = {"tmdb": ("tmdb", "themoviedb"), "tvdb": ("tvdb", "thetvdb"), "fanart": ("fanart",),
                     "plex": ("plex",)}
CATEGORIES = ("missing_assets", "missing_assets_fav_provider", "non_primary_lang", "non_primary_provider",
              "truncated_text", "low_resolution", "assets_with_issues", "resolved")


class ServerRefused(DomainError):
    """The media server could not be changed (502: the failure is upstream)."""

    status = 502
    default_code = "BAD_GATEWAY"


def _false(value: str | None) -> bool:
    return not value or str(value).lower() == "false"


def categorize(rows: list[dict], primary_language: str, primary_provider: str) -> dict[str, list[dict]]:
    """Posterizarr's action-center categories (posterizarr.md §4.7)."""
    out: dict[str, list[dict]] = {c: [] for c in CATEGORIES}
    patterns = PROVIDER_PATTERNS.get(primary_provider, (primary_provider,))
    for row in rows:
        if row["Manual"] == "true" or row.get("skipped"):
            out["resolved"].append(row)
            continue
        issues = []
        if _false(row["DownloadSource"]):
            issues.append("missing_assets")
        if _false(row["FavProviderLink"]):
            issues.append("missing_assets_fav_provider")
        lang = "xx" if row["Language"] == "Textless" else str(row["Language"]).lower()
        if not _false(row["DownloadSource"]) and ((primary_language and lang != primary_language)
                                                  or (not primary_language and lang != "xx")):
            issues.append("non_primary_lang")
        if not _false(row["DownloadSource"]) and not _false(row["FavProviderLink"]) and not (
                any(p in row["DownloadSource"].lower() for p in patterns) or row.get("provider") == primary_provider):
            issues.append("non_primary_provider")
        if row["TextTruncated"] == "true":
            issues.append("truncated_text")
        if row.get("LowResolution") == "true":  # the source was enlarged > 1.5×: it looks soft
            issues.append("low_resolution")
        for issue in issues:
            out[issue].append(row)
        if issues:
            out["assets_with_issues"].append(row)
    return out


def overview(rt: "Runtime", present: set[str]) -> dict:
    """Every asset record by category (``present``: the asset paths that exist on disk)."""
    from curatarr.posters import folders

    cfg = folders.poster_config(rt)
    with rt.db.session() as s:
        rows = [row_dict(r) for r in s.execute(select(PosterAsset).order_by(PosterAsset.id)).scalars()]
    for row in rows:
        row["has_poster"] = row["asset_path"] in present
    primary_language = (cfg.language_order[0] if cfg.language_order else "").lower()
    cats = categorize(rows, primary_language, cfg.favourite_provider)
    return {"categories": {name: {"count": len(items), "assets": items} for name, items in cats.items()},
            "config": {"primary_language": primary_language, "primary_provider": cfg.favourite_provider}}


def _label_on_server(rt: "Runtime", server: str, server_id: str, label: str, skip: bool) -> str:
    """Set/remove the skip label on the server item (its movie/show); Conflict / ServerRefused when
    that fails."""
    from curatarr.connectors.errors import ConnectorError
    from curatarr.connectors.errors import NotFound as ItemGone
    from curatarr.connectors.http import RetryPolicy
    from curatarr.instances.factory import build_connector, get_instance
    from curatarr.posters.modes import set_skip_label

    try:
        ref = get_instance(rt, server)
    except KeyError:
        raise Conflict(f"media server {server!r} is no longer configured; nothing was changed") from None
    # a person is waiting: fail fast rather than through a run's full retry schedule
    client: Any = build_connector(ref, retry=RetryPolicy(attempts=2, backoff_initial=0.2), timeout=15)
    try:
        return set_skip_label(client, server_id, label, skip)
    except ItemGone:
        raise Conflict(f"item {server_id} is no longer on {server}; nothing was changed") from None
    except (KeyError, ValueError) as exc:  # an item type the server cannot label this way
        raise Conflict(f"item {server_id} on {server} cannot carry the label ({exc}); nothing was changed") from None
    except ConnectorError as exc:
        action = "add" if skip else "remove"
        raise ServerRefused(f"could not {action} the {label!r} label on {server}: {exc}; "
                            "the record was not changed") from None
    finally:
        client.close()


def skip_asset(rt: "Runtime", asset_id: int, skip: bool) -> dict:
    """Posterizarr v3's skip: the skip label on the item's movie/show on its server, then its
    action-center rows hidden (``skip=False`` undoes both). Nothing is hidden when the server
    cannot be changed."""
    from curatarr.posters import folders

    label = folders.poster_config(rt).skip_label
    with rt.db.session() as s:
        row = s.get(PosterAsset, asset_id)
        if row is None:
            raise NotFound(f"no asset record {asset_id}")
        server, server_id, folder, library = row.server, row.server_id, row.rootfolder, row.library
        collection = row.kind == "collection"
    labelled = None
    if server and server_id and not collection:  # runs read the label from movies/shows, not collections
        labelled = _label_on_server(rt, server, server_id, label, skip)
    with rt.db.session() as s:
        if labelled and folder:  # every row of the same movie/show: the label covers all of them
            rows = s.execute(select(PosterAsset).where(PosterAsset.server == server, PosterAsset.rootfolder == folder,
                                                       PosterAsset.library == library)).scalars().all()
        else:
            rows = [s.get(PosterAsset, asset_id)]
        for r in rows:
            r.skipped = skip
        s.commit()
        hidden = len(rows)
    return {"success": True, "id": asset_id, "skipped": skip, "server": server or None,
            "server_item": labelled, "label": label if labelled else None, "rows": hidden}
