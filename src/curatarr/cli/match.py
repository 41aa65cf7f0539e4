"""curatarr match --media MEDIA.jsonl --posters FILES.txt

Matches poster file names against media items with the same library the renamer uses
(``curatarr.poster_library``), offline: no data dir, no server.

MEDIA: one JSON object per line — ``{"kind": "movie"|"show"|"collection", "title", "year", "tmdb", "tvdb",
"imdb", "alternate_titles": [], "seasons": []}``; only ``kind`` is required; blank lines are skipped but
still count, so ``match`` is always the 0-based line index in the file.
FILES: one poster path (relative to its source root) per line; blank lines are skipped.
Output (stdout): one JSON object per poster path, in input order:
``{"file", "match": <line index or null>, "season": <int or null>, "reason"}``.
A bad line ends the command with a message naming the file and line, exit code 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Literal, Optional

import typer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class MediaLine(BaseModel):
    model_config = ConfigDict(extra="ignore")

    kind: Literal["movie", "show", "collection"]
    title: str = ""
    year: Optional[int] = Field(None, ge=0, le=9999)
    tmdb: Optional[int] = Field(None, ge=0)
    tvdb: Optional[int] = Field(None, ge=0)
    imdb: Optional[str] = None
    original_title: Optional[str] = None
    alternate_titles: list[str] = Field(default_factory=list)
    seasons: list[int] = Field(default_factory=list)

    @field_validator("imdb")
    @classmethod
    def _imdb(cls, value: Optional[str]) -> Optional[str]:
        if value in (None, ""):
            return None
        if not (value.lower().startswith("tt") and value[2:].isdigit()):
            raise ValueError("imdb must look like tt0133093")
        return value.lower()


class InputError(Exception):
    """A file that cannot be read or a line that cannot be used; the message names the place."""


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def load_media(path: Path) -> list:
    """The candidates of MEDIA, one per line (None for blank lines, so indices equal line indices)."""
    from curatarr.poster_library.matching import MediaCandidate

    out: list = []
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            out.append(None)
            continue
        try:
            raw = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{path} line {number}: not JSON ({exc.msg})") from None
        if not isinstance(raw, dict):
            raise InputError(f"{path} line {number}: must be a JSON object")
        try:
            item = MediaLine.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "line"
            raise InputError(f"{path} line {number}: {where}: {first.get('msg')}") from None
        out.append(MediaCandidate(kind=item.kind, title=item.title, year=item.year, tmdb=item.tmdb, tvdb=item.tvdb,
                                  imdb=item.imdb, alternate_titles=tuple(item.alternate_titles),
                                  seasons=tuple(item.seasons), original_title=item.original_title))
    return out


def match_files(media: list, files: list[str]) -> list[dict]:
    """One answer per poster path, in order (the command's output rows)."""
    from curatarr.poster_library.facts import IMAGE_EXTENSIONS, parse_poster_path
    from curatarr.poster_library.matching import Matcher, MediaCandidate

    # Blank MEDIA lines hold a placeholder nothing can match, so indices stay line indices.
    placeholder = MediaCandidate(kind="collection", title="")
    matcher = Matcher([m if m is not None else placeholder for m in media])
    rows = []
    for name in files:
        facts = parse_poster_path(name)
        if facts is None:
            exts = "/".join(sorted(IMAGE_EXTENSIONS))
            rows.append({"file": name, "match": None, "season": None, "reason": f"not a poster image name ({exts})"})
            continue
        found = matcher.match(facts)
        rows.append({"file": name, "match": found.media, "season": found.season if found.media is not None else None,
                     "reason": found.reason})
    return rows


def register(app: typer.Typer) -> None:
    @app.command()
    def match(
        media: Path = typer.Option(..., "--media", help="JSON-lines file, one media item per line"),
        posters: Path = typer.Option(..., "--posters", help="text file, one relative poster path per line"),
    ) -> None:
        """Match poster file names to media items; one JSON line per poster on stdout."""
        try:
            items = load_media(media)
            files = [line.strip() for line in _lines(posters) if line.strip()]
        except InputError as exc:
            typer.echo(f"curatarr match: {exc}", err=True)
            raise typer.Exit(2) from None
        out = sys.stdout
        for row in match_files(items, files):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
