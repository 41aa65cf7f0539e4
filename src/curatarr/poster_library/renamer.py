"""The renamer's work, step by step (``modules/poster_renamerr.py`` runs them in order):

1. :func:`load_posters` — the usable rows of the index (no ``error``, a parsed name);
2. :func:`decide` — every poster through the :class:`Matcher`; per (item, season) the poster of the
   highest-priority source wins (a later source folder, then the upload folder);
3. :func:`plan_targets` — where each winner goes in the Kometa asset folder (``assets.naming``);
4. :func:`place` — copy / move / hardlink / symlink it there, unless ``poster_renames`` says this
   target already holds this exact source content (content hash, not just "the file exists": a
   changed source is re-copied; an unchanged one is never touched, so a second run writes nothing).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from sqlalchemy import delete, func, insert, select, update

from curatarr.assets.naming import AssetTarget, asset_relpath
from curatarr.clock import utcnow
from curatarr.db.models.poster_library import PosterFile, PosterRename
from curatarr.poster_library.candidates import Candidates, Placement
from curatarr.poster_library.facts import PosterFacts
from curatarr.poster_library.matching import Match, Matcher
from curatarr.poster_library.sources import Sources


@dataclass(frozen=True, slots=True)
class PosterRow:
    id: int
    source: str
    relpath: str
    owner: str | None
    kind: str
    title: str
    year: int | None
    tmdb: int | None
    tvdb: int | None
    imdb: str | None
    season: int | None
    sha256: str
    format: str | None
    stored_match: tuple = ()   # (match_media, match_title, match_season, match_reason) as last saved

    @property
    def path(self) -> Path:
        return Path(self.source) / self.relpath

    def facts(self) -> PosterFacts:
        return PosterFacts(file=self.relpath, owner=self.owner, kind=self.kind, title=self.title,  # type: ignore[arg-type]
                           year=self.year, tmdb=self.tmdb, tvdb=self.tvdb, imdb=self.imdb, season=self.season)


@dataclass(frozen=True, slots=True)
class Decision:
    poster: PosterRow
    match: Match


@dataclass(frozen=True, slots=True)
class Planned:
    poster: PosterRow
    place: Placement
    season: int | None
    relpath: str                      # inside the destination folder

    @property
    def media_key(self) -> str:
        return f"{self.place.media_id}#{'' if self.season is None else self.season}"


ROW_COLUMNS = (PosterFile.id, PosterFile.source, PosterFile.relpath, PosterFile.owner, PosterFile.kind,
               PosterFile.title, PosterFile.year, PosterFile.tmdb, PosterFile.tvdb, PosterFile.imdb,
               PosterFile.season, PosterFile.sha256, PosterFile.format, PosterFile.match_media, PosterFile.match_title,
               PosterFile.match_season, PosterFile.match_reason)


def load_posters(db, sources: Sources) -> list[PosterRow]:
    """Usable posters, lowest priority first (so iterating lets the later source win)."""
    wanted = [str(f) for f in sources.folders]
    with db.session() as s:
        rows = s.execute(select(*ROW_COLUMNS).where(PosterFile.error.is_(None), PosterFile.kind.is_not(None),
                                                    PosterFile.source.in_(wanted))).all()
    posters = [PosterRow(*r[:13], stored_match=tuple(r[13:])) for r in rows]
    posters.sort(key=lambda p: (sources.rank(p.source), p.relpath))
    return posters


def count_bad(db, sources: Sources) -> int:
    """Indexed files of these sources that are not usable posters (0 bytes, not an image …)."""
    with db.session() as s:
        return s.execute(select(func.count()).where(PosterFile.error.is_not(None),
                                                    PosterFile.source.in_([str(f) for f in sources.folders]))).scalar_one()


def decide(posters: list[PosterRow], cands: Candidates) -> tuple[list[Decision], dict[tuple[int, int | None], PosterRow]]:
    """Every poster's match, and the winner per (candidate, season)."""
    matcher = Matcher(cands.media)
    decisions: list[Decision] = []
    winners: dict[tuple[int, int | None], PosterRow] = {}
    for poster in posters:
        m = matcher.match(poster.facts())
        decisions.append(Decision(poster, m))
        if m.media is not None:
            winners[(m.media, m.season)] = poster  # later (higher-priority) posters overwrite
    return decisions, winners


def save_matches(db, decisions: Iterable[Decision], cands: Candidates) -> None:
    """Store each poster's match decision (only those that changed since the last save)."""
    rows = []
    for d in decisions:
        place = cands.places[d.match.media] if d.match.media is not None else None
        row = {"id": d.poster.id, "match_media": place.media_id if place else None,
               "match_title": place.title[:500] if place else None,
               "match_season": d.match.season if place else None, "match_reason": d.match.reason}
        if d.poster.stored_match != (row["match_media"], row["match_title"], row["match_season"], row["match_reason"]):
            rows.append(row)
    with db.session() as s:
        for i in range(0, len(rows), 500):
            s.execute(update(PosterFile), rows[i:i + 500])


def target_relpath(poster: PosterRow, place: Placement, season: int | None, *, asset_folders: bool) -> str | None:
    if not place.asset_name:
        return None
    ext = os.path.splitext(poster.relpath)[1].lstrip(".").lower() or "jpg"
    kind = "season" if season is not None else ("collection" if place.kind == "collection" else "poster")
    return asset_relpath(AssetTarget(kind=kind, name=place.asset_name, season=season),
                         layout="folders" if asset_folders else "flat", ext=ext)


def plan_targets(pairs: Iterable[tuple[PosterRow, int, int | None]], cands: Candidates, *,
                 asset_folders: bool) -> tuple[list[Planned], list[tuple[PosterRow, str]]]:
    """Targets of ``(poster, candidate index, season)`` triples; and the posters with nowhere to go."""
    planned, homeless = [], []
    for poster, media, season in pairs:
        place = cands.places[media]
        rel = target_relpath(poster, place, season, asset_folders=asset_folders)
        if rel is None:
            homeless.append((poster, f"{place.title}: the item has no folder to name its asset after"))
        else:
            planned.append(Planned(poster, place, season, rel))
    return planned, homeless


# ---- records ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Record:
    target: str
    source_path: str
    source_hash: str
    media: str | None
    action: str


def load_records(db) -> dict[str, Record]:
    with db.session() as s:
        rows = s.execute(select(PosterRename.target, PosterRename.source_path, PosterRename.source_hash,
                                PosterRename.media, PosterRename.action)).all()
    return {r[0]: Record(*r) for r in rows}


def record_row(target: Path, plan: Planned, action: str) -> dict:
    return {"target": str(target), "source_path": str(plan.poster.path), "source_hash": plan.poster.sha256,
            "poster_id": plan.poster.id, "media": plan.media_key, "action": action, "written_at": utcnow()}


def save_records(db, rows: list[dict]) -> None:
    """Replace the records of these targets (one transaction per 500)."""
    with db.session() as s:
        for i in range(0, len(rows), 500):
            chunk = rows[i:i + 500]
            s.execute(delete(PosterRename).where(PosterRename.target.in_([r["target"] for r in chunk])))
            s.execute(insert(PosterRename), chunk)


def forget_records(db, targets: Iterable[str]) -> None:
    targets = list(targets)
    with db.session() as s:
        for i in range(0, len(targets), 500):
            s.execute(delete(PosterRename).where(PosterRename.target.in_(targets[i:i + 500])))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ---- placing one file ------------------------------------------------------------------------------

def up_to_date(target: Path, plan: Planned, record: Record | None, action: str) -> bool:
    """Whether ``target`` already holds this poster's content (no write needed)."""
    if not (target.exists() or target.is_symlink()):
        return False
    if action == "symlink":
        return target.is_symlink() and os.readlink(target) == str(plan.poster.path)
    if record is not None:
        # Our own earlier write: the source's hash then vs now decides (the target may have been
        # re-bordered since, which is not a reason to overwrite it).
        return record.source_hash == plan.poster.sha256 and target.exists()
    try:
        return file_sha256(target) == plan.poster.sha256  # put there by someone else, same bytes
    except OSError:
        return False


def place(src: Path, target: Path, action: str) -> None:
    """Put ``src`` at ``target`` atomically (temp entry in the target folder, then rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        if action == "copy":
            shutil.copyfile(src, tmp)
        elif action == "move":
            shutil.move(str(src), tmp)
        elif action == "hardlink":
            os.link(src, tmp)
        elif action == "symlink":
            os.symlink(src, tmp)
        else:
            raise ValueError(f"unknown action {action!r}")
        os.replace(tmp, target)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise
