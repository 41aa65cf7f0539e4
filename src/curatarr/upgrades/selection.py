"""Which items of one *arr instance upgradinatorr searches this run, read page by page.

The whole listing (upgrade mode: every movie/series/artist, streamed while it arrives; missing and
cutoff modes: every page of ``wanted/missing`` or ``wanted/cutoff``) is read once so the counts are
exact, but only the first ``count`` eligible items are kept: memory grows with ``count``, not with
the library (the wanted modes also keep one set of parent ids to count each series/artist once).

Eligible = monitored, status in :data:`SEARCHABLE_STATUSES`, not carrying the ignore tag. Tags are
compared as ids on both sides (CHUB compared the items' tag ids with tag names, so nothing was ever
skipped). Sonarr seasons are searched only when at least ``threshold`` percent of their episodes
are monitored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

# CHUB's list: a movie must be released; a series or artist continuing/airing/ended/canceled.
SEARCHABLE_STATUSES = frozenset({"continuing", "airing", "ended", "canceled", "released"})
PARENT_KEY = {"radarr": None, "sonarr": "series", "lidarr": "artist"}   # embedded parent of a wanted record


@dataclass(slots=True)
class Search:
    """One search command for a candidate."""

    command: str               # MoviesSearch | SeasonSearch | EpisodeSearch | AlbumSearch
    args: dict[str, Any]
    label: str                 # what it searches, for the results ("season 2", "3 albums")


@dataclass(slots=True)
class Candidate:
    id: int
    title: str
    searches: list[Search] = field(default_factory=list)


@dataclass(slots=True)
class Tally:
    """What the selection saw. ``eligible`` counts items that may be searched at all; ``checked``
    those of them already carrying the checked tag; ``remaining`` the unchecked ones left after this
    run's selection."""

    scanned: int = 0
    eligible: int = 0
    checked: int = 0
    ignored: int = 0
    unmonitored: int = 0
    other_status: int = 0
    below_threshold: int = 0
    selected: int = 0

    @property
    def remaining(self) -> int:
        return self.eligible - self.checked - self.selected - self.below_threshold


@dataclass(slots=True)
class Rules:
    app: str                   # radarr | sonarr | lidarr
    mode: str                  # upgrade | missing | cutoff
    count: int
    checked_id: int | None
    ignore_id: int | None
    threshold: float           # percent of monitored episodes a Sonarr season needs


def classify(item: dict[str, Any], rules: Rules, tally: Tally) -> bool:
    """Count ``item`` (a movie, series or artist in wire names); True when it is an unchecked candidate."""
    tags = item.get("tags") or ()
    if rules.ignore_id is not None and rules.ignore_id in tags:
        tally.ignored += 1
        return False
    if not item.get("monitored"):
        tally.unmonitored += 1
        return False
    if str(item.get("status") or "").lower() not in SEARCHABLE_STATUSES:
        tally.other_status += 1
        return False
    tally.eligible += 1
    if rules.checked_id is not None and rules.checked_id in tags:
        tally.checked += 1
        return False
    return True


def title_of(item: dict[str, Any]) -> str:
    title = str(item.get("title") or item.get("artistName") or f"#{item.get('id')}")
    return f"{title} ({item['year']})" if item.get("year") else title


def passing_seasons(episodes: Iterable[Any], threshold: float) -> set[int]:
    """Seasons (specials excluded) with a monitored episode and at least ``threshold`` % monitored."""
    total: dict[int, int] = {}
    monitored: dict[int, int] = {}
    for ep in episodes:
        if ep.season_number <= 0:
            continue
        total[ep.season_number] = total.get(ep.season_number, 0) + 1
        if ep.monitored:
            monitored[ep.season_number] = monitored.get(ep.season_number, 0) + 1
    return {s for s, n in total.items() if monitored.get(s, 0) and monitored[s] * 100.0 >= threshold * n}


class Selector:
    """Reads one instance's listing and picks the candidates (see the module docstring)."""

    def __init__(self, client: Any, rules: Rules, *, page_size: int = 250,
                 check_cancelled: Callable[[], None] = lambda: None):
        self.client = client
        self.rules = rules
        self.page_size = page_size
        self.check_cancelled = check_cancelled
        self.tally = Tally()

    def select(self) -> list[Candidate]:
        if self.rules.mode == "upgrade":
            return self._upgrade()
        return self._wanted()

    # ---- upgrade mode: the whole library ---------------------------------------------------------
    def _upgrade(self) -> list[Candidate]:
        chosen: list[Candidate] = []
        for n, (item, _text) in enumerate(self.client.stream_items()):
            if n % 500 == 0:
                self.check_cancelled()
            self.tally.scanned += 1
            if not isinstance(item, dict) or not classify(item, self.rules, self.tally):
                continue
            if len(chosen) >= self.rules.count:
                continue
            searches = self._library_searches(item)
            if searches:
                chosen.append(Candidate(int(item["id"]), title_of(item), searches))
                self.tally.selected += 1
            else:
                self.tally.below_threshold += 1
        return chosen

    def _library_searches(self, item: dict[str, Any]) -> list[Search]:
        item_id = int(item["id"])
        if self.rules.app == "radarr":
            return [Search("MoviesSearch", {"movieIds": [item_id]}, "movie")]
        if self.rules.app == "sonarr":
            seasons = passing_seasons(self.client.episodes(item_id), self.rules.threshold)
            return [Search("SeasonSearch", {"seriesId": item_id, "seasonNumber": s}, f"season {s}")
                    for s in sorted(seasons)]
        albums = [a.id for a in self.client.albums(item_id) if a.monitored]
        return [Search("AlbumSearch", {"albumIds": albums}, f"{len(albums)} album(s)")] if albums else []

    # ---- missing / cutoff modes: the wanted pages ------------------------------------------------
    def _wanted(self) -> list[Candidate]:
        app = self.rules.app
        parent_key = PARENT_KEY[app]
        chosen: dict[int, Candidate] = {}
        wanted_children: dict[int, list[int]] = {}      # candidate → episode / album ids
        seasons_ok: dict[int, set[int]] = {}
        seen: set[int] = set()                          # series/artists counted already (ints only)
        for n, record in enumerate(self._records()):
            if n % 500 == 0:
                self.check_cancelled()
            parent = record if parent_key is None else record.get(parent_key)
            if not isinstance(parent, dict) or "id" not in parent:
                continue
            pid = int(parent["id"])
            if pid not in seen:
                if parent_key is not None:   # Radarr's records are the movies themselves: each comes once
                    seen.add(pid)
                self.tally.scanned += 1
                if classify(parent, self.rules, self.tally):
                    if len(chosen) < self.rules.count and self._admit(pid, parent, seasons_ok):
                        chosen[pid] = Candidate(pid, title_of(parent))
                        wanted_children[pid] = []
                        self.tally.selected += 1
            if pid in chosen and app != "radarr":
                if app == "sonarr" and int(record.get("seasonNumber") or 0) not in seasons_ok.get(pid, ()):
                    continue
                wanted_children[pid].append(int(record["id"]))
        out = []
        for pid, cand in chosen.items():
            cand.searches = self._wanted_searches(pid, wanted_children[pid])
            if cand.searches:
                out.append(cand)
            else:   # every wanted episode sits in a season below the threshold
                self.tally.selected -= 1
                self.tally.below_threshold += 1
        return out

    def _records(self) -> Iterator[dict[str, Any]]:
        for record in self.client.iter_wanted(self.rules.mode, page_size=self.page_size):
            if isinstance(record, dict):
                yield record

    def _admit(self, pid: int, parent: dict[str, Any], seasons_ok: dict[int, set[int]]) -> bool:
        if self.rules.app != "sonarr":
            return True
        seasons_ok[pid] = passing_seasons(self.client.episodes(pid), self.rules.threshold)
        if not seasons_ok[pid]:
            self.tally.below_threshold += 1
            return False
        return True

    def _wanted_searches(self, pid: int, children: list[int]) -> list[Search]:
        app = self.rules.app
        if app == "radarr":
            return [Search("MoviesSearch", {"movieIds": [pid]}, "movie")]
        if app == "sonarr":
            return [Search("EpisodeSearch", {"episodeIds": children}, f"{len(children)} episode(s)")] if children else []
        return [Search("AlbumSearch", {"albumIds": children}, f"{len(children)} album(s)")] if children else []
