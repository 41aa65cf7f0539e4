"""Duplicate finding across *arr instances of the same kind (Radarr with Radarr, …).

* ``similarity == 1.0`` (exact): same normalised title + year.
* ``similarity < 1.0`` (fuzzy): additionally, titles whose rapidfuzz ``ratio`` reaches the
  threshold — compared only inside blocks of the same year and first significant word, so the
  cost grows with the block sizes, not with n² (CHUB ran SequenceMatcher over all pairs).
  Exact groups are always included, so raising the threshold never loses them.

Groups whose members are all in one user-declared "intentional copies" set
(``general.duplicate_exclude_groups``, e.g. ``[radarr_1080p, radarr_4k]``) with at most one copy per
instance are dropped: a 1080p + 4K pair is on purpose.

Group ids are deterministic — ``x-<hash>`` (exact) / ``f85-<hash>`` (fuzzy at 0.85) over the sorted
member ids — so a group can be found again from its id alone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
from rapidfuzz import fuzz, process

from curatarr.library.normalize import ARTICLES

CDIST_MIN = 12  # below this block size plain pairwise calls are cheaper than building a matrix


@dataclass(frozen=True, slots=True)
class DupRow:
    id: str
    instance: str
    source_type: str
    kind: str
    norm_title: str
    fuzzy_title: str
    first_token: str
    year: int | None


@dataclass
class Group:
    group_id: str
    mode: str
    source_type: str
    kind: str
    norm_title: str
    year: int | None
    similarity: float
    ids: list[str]
    instances: list[str]
    members: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"group_id": self.group_id, "mode": self.mode, "kind": self.kind, "source_type": self.source_type,
                "normalized_title": self.norm_title, "year": self.year, "similarity": self.similarity,
                "count": len(self.ids), "ids": self.ids, "instances": self.instances, "members": self.members}


def parse_exclude_groups(raw: Any) -> list[frozenset[str]]:
    """``duplicate_exclude_groups`` entries: a list of names, ``{instances: [...]}``, or a comma string."""
    out: list[frozenset[str]] = []
    for entry in raw or []:
        if isinstance(entry, dict):
            entry = entry.get("instances") or entry.get("members") or []
        if isinstance(entry, str):
            entry = [p.strip() for p in entry.split(",")]
        names = frozenset(str(n).strip() for n in entry if str(n).strip())
        if len(names) >= 2:
            out.append(names)
    return out


def is_intentional(instances: list[str], exclude: list[frozenset[str]]) -> bool:
    """All members in one declared set, and no instance holds two of them."""
    distinct = set(instances)
    if len(distinct) != len(instances):
        return False
    return any(distinct <= group for group in exclude)


def group_id(mode: str, ids: Iterable[str]) -> str:
    digest = hashlib.sha1("|".join(sorted(ids)).encode()).hexdigest()[:16]
    return f"{mode}-{digest}"


def mode_for(similarity: float) -> str:
    return "x" if similarity >= 1.0 else f"f{int(round(similarity * 100)):02d}"


def similarity_of_group_id(value: str) -> float | None:
    """The similarity a group id was computed at (None if it is not one of ours)."""
    mode, sep, digest = value.partition("-")
    if not sep or len(digest) != 16 or any(c not in "0123456789abcdef" for c in digest):
        return None
    if mode == "x":
        return 1.0
    if mode.startswith("f") and mode[1:].isdigit() and 0 <= int(mode[1:]) < 100:
        return int(mode[1:]) / 100
    return None


def _compare_form(fuzzy_title: str) -> str:
    words = fuzzy_title.split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_groups(rows: list[DupRow], similarity: float = 1.0,
                exclude: list[frozenset[str]] | None = None) -> tuple[list[Group], int]:
    """Duplicate groups among ``rows`` → (groups sorted by title/year, number dropped as intentional)."""
    if not 0.0 <= similarity <= 1.0:
        raise ValueError("similarity must be between 0 and 1")
    uf = _UnionFind(len(rows))
    scores: dict[int, float] = {}  # root-independent: lowest edge score seen per member
    exact: dict[tuple[str, str, int | None], int] = {}
    for i, row in enumerate(rows):
        if not row.norm_title:
            continue
        key = (row.source_type, row.norm_title, row.year)
        first = exact.setdefault(key, i)
        if first != i:
            uf.union(first, i)
            scores[i] = scores[first] = min(scores.get(first, 1.0), 1.0)
    if similarity < 1.0:
        cutoff = similarity * 100.0
        blocks: dict[tuple[str, int | None, str], list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            if row.first_token:
                blocks[(row.source_type, row.year, row.first_token)].append(i)
        for members in blocks.values():
            if len(members) < 2:
                continue
            texts = [_compare_form(rows[i].fuzzy_title) for i in members]
            for a, b, score in _pairs(texts, cutoff):
                ia, ib = members[a], members[b]
                uf.union(ia, ib)
                s = score / 100.0
                scores[ia] = min(scores.get(ia, 1.0), s)
                scores[ib] = min(scores.get(ib, 1.0), s)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        clusters[uf.find(i)].append(i)
    mode = mode_for(similarity)
    groups: list[Group] = []
    dropped = 0
    for members in clusters.values():
        if len(members) < 2:
            continue
        ids = sorted(rows[i].id for i in members)
        instances = [rows[i].instance for i in members]
        if exclude and is_intentional(instances, exclude):
            dropped += 1
            continue
        head = rows[min(members, key=lambda i: rows[i].id)]
        sim = round(min(scores.get(i, 1.0) for i in members), 3)
        groups.append(Group(group_id=group_id(mode, ids), mode="exact" if mode == "x" else "fuzzy",
                            source_type=head.source_type, kind=head.kind, norm_title=head.norm_title, year=head.year,
                            similarity=sim, ids=ids, instances=sorted(set(instances))))
    groups.sort(key=lambda g: (g.norm_title, g.year or 0, g.group_id))
    return groups, dropped


def _pairs(texts: list[str], cutoff: float) -> Iterable[tuple[int, int, float]]:
    """Index pairs (a < b) of ``texts`` whose ratio reaches ``cutoff`` (0–100)."""
    n = len(texts)
    if n < CDIST_MIN:
        for a in range(n):
            for b in range(a + 1, n):
                score = fuzz.ratio(texts[a], texts[b])
                if score >= cutoff:
                    yield a, b, score
        return
    matrix = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=cutoff or None, workers=1)
    hits = np.triu(matrix >= cutoff, 1)
    if cutoff > 0:
        hits &= matrix > 0  # below the cutoff cdist reports 0
    for a, b in np.argwhere(hits):
        yield int(a), int(b), float(matrix[a, b])
