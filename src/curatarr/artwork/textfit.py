"""Text fitting: the largest size at which word-wrapped text fits a box.

Widths come from the fonts' own advance tables (fontTools) and scale linearly with the size, so
the binary search over sizes is pure arithmetic (microseconds). The renderer then draws the
chosen lines with Pango and checks the real ink box (``textrender.py``); the verified size is
what gets cached, in memory and (through a pluggable store) in the database.

Line breaking: at spaces (consumed), after hyphens/dashes/slashes (kept), between CJK
characters; explicit ``\\n`` always breaks. A word wider than the box only fits by being split
into characters, which is allowed only as a last resort (overflow handling at the minimum size).
"""

from __future__ import annotations

import hashlib
import json
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Protocol

from curatarr.artwork.fonts import FaceMetrics, FontFace, is_ignorable, metrics

ALGORITHM = "curatarr-fit-v1"
ELLIPSIS = "…"
BREAK_AFTER = set("-‐‑–—/|")
NO_LINE_START = set("、。，．・：；！？）」』】〕〉》ー々ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ,.!?:;)]}%")
SIZE_STEP = 0.5


@dataclass(frozen=True)
class FitParams:
    box_width: int
    box_height: int
    min_size: float
    max_size: float
    line_spacing: int = 0
    letter_spacing: float = 0.0
    pad: int = 0  # stroke reach, kept free on every side of the box
    overflow: str = "skip"  # skip | shrink | ellipsize
    fit: str = "logical"  # logical | ink (ink: the renderer may grow until the ink box fills)
    balance: bool = False
    max_lines: int | None = None

    @property
    def inner_width(self) -> float:
        return max(1.0, self.box_width - 2 * self.pad)

    @property
    def inner_height(self) -> float:
        return max(1.0, self.box_height - 2 * self.pad)


@dataclass
class FitResult:
    size: float
    lines: list[str]
    truncated: bool = False
    action: str = "fit"  # fit | skip | shrink | ellipsize
    missing: list[str] = field(default_factory=list)  # characters no font covers (dropped)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "FitResult":
        return cls(size=float(data["size"]), lines=list(data["lines"]), truncated=bool(data.get("truncated")),
                   action=str(data.get("action", "fit")), missing=list(data.get("missing", [])))


# ---------------------------------------------------------------- face assignment


class FaceChooser:
    """Picks, per character, the first face of the chain that has a glyph for it."""

    def __init__(self, chain: list[FontFace]):
        self.chain = chain
        self._metrics: list[FaceMetrics | None] = [None] * len(chain)
        self._memo: dict[str, int] = {}

    def face_metrics(self, index: int) -> FaceMetrics:
        """Loaded on first use: a Latin title never reads the CJK collection's tables."""
        m = self._metrics[index]
        if m is None:
            m = self._metrics[index] = metrics(self.chain[index])
        return m

    @property
    def metrics(self) -> list[FaceMetrics]:
        return [self.face_metrics(i) for i in range(len(self.chain))]

    def index_for(self, ch: str) -> int | None:
        hit = self._memo.get(ch)
        if hit is not None:
            return hit
        cp = ord(ch)
        for i in range(len(self.chain)):
            if self.face_metrics(i).covers(cp):
                self._memo[ch] = i
                return i
        return None

    def runs(self, text: str) -> tuple[list[tuple[str, int]], list[str]]:
        """Split ``text`` into (substring, face index) runs; drop characters no face covers."""
        runs: list[tuple[str, int]] = []
        missing: list[str] = []
        current = 0
        for ch in text:
            if ch == "\n" or ch == " " or is_ignorable(ch):
                idx = current  # spacing and marks stay with the run they belong to
            else:
                found = self.index_for(ch)
                if found is None:
                    if ch not in missing:
                        missing.append(ch)
                    continue
                idx = found
            current = idx
            if runs and runs[-1][1] == idx:
                runs[-1] = (runs[-1][0] + ch, idx)
            else:
                runs.append((ch, idx))
        return runs, missing

    def width_em(self, text: str, letter_spacing: float = 0.0) -> float:
        total = 0.0
        for ch in text:
            if is_ignorable(ch):
                continue
            idx = self.index_for(ch)
            m = self.face_metrics(idx if idx is not None else 0)
            total += m.advance_em(ord(ch)) + letter_spacing
        return total

    def line_height_em(self, text: str) -> float:
        ascent = descent = 0.0
        used = {self.index_for(ch) for ch in text if not is_ignorable(ch) and ch != " "} or {0}
        for idx in used:
            m = self.face_metrics(idx if idx is not None else 0)
            ascent = max(ascent, m.ascender / m.upem)
            descent = max(descent, -m.descender / m.upem)
        return ascent + descent


# ---------------------------------------------------------------- line breaking


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF
            or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x3FFFF) and unicodedata.category(ch) != "Zs"


@dataclass
class Unit:
    text: str
    width: float  # em, without the trailing space
    space: float  # em of the space that follows (0 when the break is not at a space)


def split_units(paragraph: str, chooser: FaceChooser, letter_spacing: float) -> list[Unit]:
    pieces: list[tuple[str, bool]] = []  # (text, followed by a space)
    buf = ""
    for ch in paragraph:
        if ch == " ":
            if buf:
                pieces.append((buf, True))
                buf = ""
            continue
        if _is_cjk(ch) and ch not in NO_LINE_START:
            if buf:
                pieces.append((buf, False))
            buf = ch
            continue
        buf += ch
        if ch in BREAK_AFTER and len(buf) > 1:
            pieces.append((buf, False))
            buf = ""
    if buf:
        pieces.append((buf, False))
    space = chooser.width_em(" ", letter_spacing)
    return [Unit(text, chooser.width_em(text, letter_spacing), space if spaced else 0.0) for text, spaced in pieces]


def wrap_units(units: list[Unit], limit_em: float) -> tuple[list[list[Unit]], bool]:
    """Greedy wrap; returns the lines and whether some single unit is wider than the limit."""
    lines: list[list[Unit]] = []
    line: list[Unit] = []
    width = 0.0
    overlong = False
    for unit in units:
        if unit.width > limit_em + 1e-9:
            overlong = True
        extra = unit.width if not line else line[-1].space + unit.width
        if line and width + extra > limit_em + 1e-9:
            lines.append(line)
            line, width = [unit], unit.width
        else:
            line.append(unit)
            width += extra
    if line:
        lines.append(line)
    return lines, overlong


def line_text(line: list[Unit]) -> str:
    out = ""
    for i, unit in enumerate(line):
        out += unit.text
        if i < len(line) - 1 and unit.space:
            out += " "
    return out


def line_width(line: list[Unit]) -> float:
    return sum(u.width for u in line) + sum(u.space for u in line[:-1])


# ---------------------------------------------------------------- the fitter


class TextFitter:
    """Fits one prepared text (explicit ``\\n`` = forced break) for one face chain."""

    def __init__(self, text: str, chooser: FaceChooser, params: FitParams):
        self.text = text
        self.chooser = chooser
        self.params = params
        self.paragraphs = [
            split_units(p, chooser, params.letter_spacing) for p in text.split("\n") if p.strip()
        ] or [[]]

    def layout(self, size: float, limit_px: float | None = None) -> tuple[list[str], bool, float, float]:
        """Lines at ``size``: (lines, overlong, widest line px, block height px)."""
        limit_em = (limit_px if limit_px is not None else self.params.inner_width) / size
        lines: list[list[Unit]] = []
        overlong = False
        for units in self.paragraphs:
            wrapped, long_ = wrap_units(units, limit_em)
            lines.extend(wrapped or [[]])
            overlong |= long_
        texts = [line_text(line) for line in lines]
        widest = max((line_width(line) for line in lines), default=0.0) * size
        return texts, overlong, widest, self.block_height(texts, size)

    def block_height(self, texts: list[str], size: float) -> float:
        heights = [self.chooser.line_height_em(t) * size for t in texts]
        return sum(heights) + max(0, len(texts) - 1) * self.params.line_spacing

    def fits(self, size: float) -> bool:
        texts, overlong, widest, height = self.layout(size)
        p = self.params
        if overlong or widest > p.inner_width + 0.01 or height > p.inner_height + 0.01:
            return False
        return p.max_lines is None or len(texts) <= p.max_lines

    def largest_fitting(self, low: float, high: float) -> float | None:
        if self.fits(high):
            return high
        if not self.fits(low):
            return None
        while high - low > SIZE_STEP:
            mid = round((low + high) / 2 / SIZE_STEP) * SIZE_STEP
            if mid <= low or mid >= high:
                break
            if self.fits(mid):
                low = mid
            else:
                high = mid
        return low

    def balanced(self, size: float, texts: list[str]) -> list[str]:
        """Same line count, narrowest possible widest line (no lonely last word)."""
        if len(texts) < 2:
            return texts
        lo, hi = 1.0, self.params.inner_width
        best = texts
        for _ in range(14):
            mid = (lo + hi) / 2
            candidate, overlong, _w, _h = self.layout(size, mid)
            if not overlong and len(candidate) <= len(texts):
                best, hi = candidate, mid
            else:
                lo = mid
        return best

    def _char_split(self, size: float) -> list[str]:
        """Lines at ``size`` where over-wide words are broken between characters."""
        limit_em = self.params.inner_width / size
        out: list[str] = []
        for paragraph in self.text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self.chooser.width_em(candidate, self.params.letter_spacing) <= limit_em:
                    line = candidate
                    continue
                if line:
                    out.append(line)
                line = ""
                for ch in word:
                    if line and self.chooser.width_em(line + ch, self.params.letter_spacing) > limit_em:
                        out.append(line)
                        line = ch
                    else:
                        line += ch
            if line:
                out.append(line)
        return out or [""]

    def _ellipsize(self, size: float) -> list[str]:
        lines = self._char_split(size)
        p = self.params
        keep: list[str] = []
        for line in lines:
            if p.max_lines is not None and len(keep) >= p.max_lines:
                break
            if self.block_height(keep + [line], size) > p.inner_height + 0.01 and keep:
                break
            keep.append(line)
        if len(keep) == len(lines):
            return keep
        limit_em = p.inner_width / size
        last = keep[-1].rstrip()
        while last and self.chooser.width_em(last + ELLIPSIS, p.letter_spacing) > limit_em:
            last = last[:-1].rstrip()
        keep[-1] = last + ELLIPSIS
        return keep

    def fit(self) -> FitResult:
        p = self.params
        size = self.largest_fitting(p.min_size, p.max_size)
        if size is not None:
            texts, _o, _w, _h = self.layout(size)
            if p.balance:
                texts = self.balanced(size, texts)
            return FitResult(size=size, lines=texts)
        # It does not fit at the minimum size: the template's rule decides.
        if p.overflow == "shrink":
            floor = max(6.0, p.min_size * 0.25)
            smaller = self.largest_fitting(floor, p.min_size)
            if smaller is not None:
                texts, _o, _w, _h = self.layout(smaller)
                return FitResult(size=smaller, lines=texts, truncated=True, action="shrink")
            return FitResult(size=floor, lines=self._ellipsize(floor), truncated=True, action="shrink")
        if p.overflow == "ellipsize":
            return FitResult(size=p.min_size, lines=self._ellipsize(p.min_size), truncated=True, action="ellipsize")
        return FitResult(size=p.min_size, lines=self._char_split(p.min_size), truncated=True, action="skip")


# ---------------------------------------------------------------- caching


class FitStore(Protocol):
    """Persistent second level of the fit cache (the database); both methods must not raise."""

    def get(self, key: str) -> dict | None: ...

    def put(self, key: str, value: dict) -> None: ...


def fit_key(text: str, chain: list[FontFace], params: FitParams, weight: int | None) -> str:
    blob = json.dumps(
        {
            "algo": ALGORITHM,
            "text": text,
            "fonts": [face.identity for face in chain],
            "weight": weight,
            "params": asdict(params),
        },
        sort_keys=True,
        ensure_ascii=False,
    ).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


class FitCache:
    """In-memory LRU in front of an optional persistent store; thread-safe; counts hits."""

    def __init__(self, capacity: int = 4096, store: FitStore | None = None):
        self.capacity = capacity
        self.store = store
        self._data: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.new_entries: dict[str, dict] = {}  # written since the last drain (batch workers)

    def get(self, key: str) -> FitResult | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
        if value is None and self.store is not None:
            value = self.store.get(key)
            if value is not None:
                self._remember(key, value)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        return FitResult.from_json(value)

    def put(self, key: str, result: FitResult) -> None:
        value = result.to_json()
        self._remember(key, value)
        with self._lock:
            self.new_entries[key] = value
        if self.store is not None:
            self.store.put(key, value)

    def seed(self, entries: dict[str, dict]) -> None:
        for key, value in entries.items():
            self._remember(key, value)

    def drain_new(self) -> dict[str, dict]:
        with self._lock:
            out, self.new_entries = self.new_entries, {}
        return out

    def _remember(self, key: str, value: dict) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.capacity:
                self._data.popitem(last=False)
