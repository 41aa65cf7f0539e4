"""Fonts: the built-in set (OFL fonts installed as Python packages), user uploads, glyph coverage.

Built-in fonts come from registry packages, never from files in this repository:
``fontpkg-*`` (Cinzel, Comfortaa, Bebas Neue, Oswald, Playfair Display) and the Noto families
of ``manimgx-fonts`` / ``manimgx-fonts-cjk`` (fallbacks for CJK, Arabic, Hebrew, Thai, Cyrillic,
Devanagari and more). Coverage and advance widths are read with fontTools; rendering goes through
Pango (libvips), which is told about each file once per process.
"""

from __future__ import annotations

import io
import logging
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from curatarr.artwork.errors import FontNotFound, FontRejected

log = logging.getLogger("curatarr.artwork.fonts")

FONT_EXTENSIONS = (".ttf", ".otf", ".ttc", ".otc")
FONT_MAGICS = (b"\x00\x01\x00\x00", b"true", b"OTTO", b"ttcf")
MAX_FONT_BYTES = 64 * 1024 * 1024

# fontpkg family names we depend on (see pyproject): display faces for titles.
FONTPKG_FAMILIES = ("Cinzel", "Comfortaa", "Bebas Neue", "Oswald", "Playfair Display")

# The order fallbacks are tried in for characters the chosen font lacks.
DEFAULT_FALLBACK_CHAIN = (
    "Noto Sans",
    "Noto Sans CJK JP",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Thai",
    "Noto Sans Devanagari",
    "Noto Sans Bengali",
    "Noto Sans Tamil",
    "Noto Sans Telugu",
    "Noto Sans Kannada",
    "Noto Sans Malayalam",
    "Noto Sans Gujarati",
    "Noto Sans Gurmukhi",
    "Noto Sans Oriya",
    "Noto Sans Sinhala",
    "Noto Sans Khmer",
    "Noto Sans Lao",
    "Noto Sans Myanmar",
    "Noto Sans Georgian",
    "Noto Sans Armenian",
    "Noto Sans Ethiopic",
    "Noto Sans Symbols",
    "Noto Emoji",
)
CJK_BY_LANGUAGE = {"ja": "Noto Sans CJK JP", "ko": "Noto Sans CJK KR", "zh": "Noto Sans CJK SC",
                   "zh-cn": "Noto Sans CJK SC", "zh-tw": "Noto Sans CJK TC", "zh-hk": "Noto Sans CJK HK"}
RTL_LANGUAGES = {"ar", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"}


@dataclass(frozen=True)
class FontFace:
    """One face of a font file, as templates name it (``name``) and as Pango knows it (``family``)."""

    name: str
    path: Path
    family: str
    index: int = 0
    weight: int = 400
    italic: bool = False
    builtin: bool = True

    @property
    def identity(self) -> str:
        """Changes when the file changes; part of every text-fit cache key."""
        try:
            st = self.path.stat()
            return f"{self.path}:{self.index}:{st.st_size}:{int(st.st_mtime)}"
        except OSError:
            return f"{self.path}:{self.index}:missing"


@dataclass
class FaceMetrics:
    """What text fitting needs from a face: coverage, advances and vertical metrics (font units)."""

    upem: int
    ascender: int
    descender: int
    cmap: dict[int, str]
    advances: dict[str, int] = field(repr=False)

    def covers(self, codepoint: int) -> bool:
        return codepoint in self.cmap

    def advance_em(self, codepoint: int) -> float:
        glyph = self.cmap.get(codepoint)
        if glyph is None:
            return 0.5
        return self.advances.get(glyph, self.upem // 2) / self.upem

    @property
    def line_height_em(self) -> float:
        return (self.ascender - self.descender) / self.upem


def _open_ttfont(source, index: int = 0, lazy: bool = True):
    from fontTools.ttLib import TTFont

    return TTFont(source, fontNumber=index, lazy=lazy)


def _vertical_metrics(font) -> tuple[int, int]:
    os2 = font["OS/2"] if "OS/2" in font else None
    hhea = font["hhea"] if "hhea" in font else None
    # HarfBuzz (and so Pango) prefers the typo metrics when USE_TYPO_METRICS is set, else hhea.
    if os2 is not None and (os2.fsSelection & (1 << 7)):
        return os2.sTypoAscender, os2.sTypoDescender
    if hhea is not None and (hhea.ascent or hhea.descent):
        return hhea.ascent, hhea.descent
    if os2 is not None:
        return os2.sTypoAscender, os2.sTypoDescender
    return 800, -200


@lru_cache(maxsize=64)
def _load_metrics(path: str, index: int, identity: str) -> FaceMetrics:
    font = _open_ttfont(path, index)
    upem = font["head"].unitsPerEm
    ascender, descender = _vertical_metrics(font)
    cmap = dict(font.getBestCmap() or {})
    advances = {name: adv for name, (adv, _lsb) in font["hmtx"].metrics.items()}
    return FaceMetrics(upem=upem, ascender=ascender, descender=descender, cmap=cmap, advances=advances)


def metrics(face: FontFace) -> FaceMetrics:
    return _load_metrics(str(face.path), face.index, face.identity)


def _face_names(font) -> tuple[str, int, bool]:
    name = font["name"]
    family = name.getBestFamilyName() or name.getDebugName(1) or "Unknown"
    weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
    italic = bool(font["head"].macStyle & 2) if "head" in font else False
    return str(family), int(weight), italic


def inspect_font_bytes(data: bytes) -> dict:
    """Validate an uploaded font and describe it; raise :class:`FontRejected` if it is not a font."""
    if len(data) > MAX_FONT_BYTES:
        raise FontRejected(f"font file is larger than {MAX_FONT_BYTES // (1024 * 1024)} MB")
    if len(data) < 12 or data[:4] not in FONT_MAGICS:
        raise FontRejected("not a TrueType/OpenType font (bad magic bytes)")
    try:
        font = _open_ttfont(io.BytesIO(data), 0, lazy=False)
        family, weight, italic = _face_names(font)
        cmap = font.getBestCmap() or {}
        if not cmap:
            raise FontRejected("font has no usable character map")
        font["head"], font["hmtx"]  # noqa: B018  (parse the tables rendering needs)
    except FontRejected:
        raise
    except Exception as exc:  # fontTools raises many types for malformed files
        raise FontRejected(f"not a usable font: {exc.__class__.__name__}") from None
    return {"family": family, "weight": weight, "italic": italic, "glyphs": len(cmap)}


def _builtin_faces() -> list[FontFace]:
    faces: list[FontFace] = []
    try:
        import fontpkg

        for family_name in FONTPKG_FAMILIES:
            try:
                fam = fontpkg.family(family_name)
            except Exception:  # package missing: the font is simply not offered
                log.warning("built-in font %s is not installed", family_name)
                continue
            for f in fam.files:
                if f.style != "normal":
                    continue
                faces.append(FontFace(name=family_name, path=Path(f.path), family=family_name))
    except ImportError:
        log.warning("fontpkg is not installed; display fonts unavailable")
    for module_name in ("manimgx_fonts", "manimgx_fonts_cjk"):
        try:
            module = __import__(module_name)
        except ImportError:
            log.warning("%s is not installed; some scripts may fall back to other fonts", module_name)
            continue
        folder = Path(module.__file__).parent
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in FONT_EXTENSIONS or "Italic" in path.name:
                continue
            faces.extend(_faces_of_file(path, builtin=True))
    return faces


def _faces_of_file(path: Path, *, builtin: bool, name: str | None = None) -> list[FontFace]:
    from fontTools.ttLib import TTCollection

    out: list[FontFace] = []
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
        if magic == b"ttcf":
            collection = TTCollection(str(path), lazy=True)
            for index, font in enumerate(collection.fonts):
                family, weight, italic = _face_names(font)
                out.append(FontFace(name=family, path=path, family=family, index=index,
                                    weight=weight, italic=italic, builtin=builtin))
        else:
            font = _open_ttfont(str(path))
            family, weight, italic = _face_names(font)
            out.append(FontFace(name=name or family, path=path, family=family, weight=weight,
                                italic=italic, builtin=builtin))
    except Exception as exc:
        log.warning("skipping unreadable font %s: %s", path.name, exc)
    return out


@lru_cache(maxsize=1)
def builtin_faces() -> tuple[FontFace, ...]:
    return tuple(_builtin_faces())


class FontRegistry:
    """Resolves the font names templates use: a built-in family name, or a user file name/stem."""

    def __init__(self, user_dir: Path | None = None):
        self.user_dir = user_dir
        self._user_cache: dict[str, tuple[float, list[FontFace]]] = {}

    def builtin(self) -> list[FontFace]:
        return list(builtin_faces())

    def user_files(self) -> list[Path]:
        if self.user_dir is None or not self.user_dir.is_dir():
            return []
        from curatarr.security.paths import regular_file_in

        return sorted(p for p in self.user_dir.iterdir()
                      if p.suffix.lower() in FONT_EXTENSIONS and regular_file_in(self.user_dir, p.name))

    def _user_faces(self, path: Path) -> list[FontFace]:
        key = str(path)
        mtime = path.stat().st_mtime
        cached = self._user_cache.get(key)
        if cached and cached[0] == mtime:
            return cached[1]
        faces = _faces_of_file(path, builtin=False, name=path.name)
        self._user_cache[key] = (mtime, faces)
        return faces

    def resolve(self, name: str) -> FontFace:
        wanted = name.strip().lower()
        for path in self.user_files():
            if wanted in (path.name.lower(), path.stem.lower()):
                faces = self._user_faces(path)
                if faces:
                    return faces[0]
        for face in builtin_faces():
            if face.name.lower() == wanted or face.path.name.lower() == wanted:
                return face
        for path in self.user_files():  # a user font may also be named by its family
            for face in self._user_faces(path):
                if face.family.lower() == wanted:
                    return face
        raise FontNotFound(f"font {name!r} is neither built in nor uploaded")

    def chain(self, main: str, *, rtl_font: str | None = None, rtl: bool = False,
              fallbacks: list[str] | None = None, language: str | None = None) -> list[FontFace]:
        """The faces tried for each character, in order: (RTL font,) main font, fallbacks."""
        names: list[str] = []
        if rtl and rtl_font:
            names.append(rtl_font)
        names.append(main)
        chain_names = list(fallbacks) if fallbacks else list(DEFAULT_FALLBACK_CHAIN)
        cjk = CJK_BY_LANGUAGE.get((language or "").lower()) or CJK_BY_LANGUAGE.get((language or "")[:2].lower())
        if cjk:
            chain_names = [cjk if n.startswith("Noto Sans CJK") else n for n in chain_names]
        names.extend(chain_names)
        faces: list[FontFace] = []
        seen: set[tuple[str, int]] = set()
        for index, font_name in enumerate(names):
            try:
                face = self.resolve(font_name)
            except FontNotFound:
                if index <= (1 if rtl and rtl_font else 0):
                    raise
                continue  # a missing optional fallback is skipped
            key = (str(face.path), face.index)
            if key not in seen:
                seen.add(key)
                faces.append(face)
        return faces

    def listing(self) -> list[dict]:
        out = []
        seen: set[str] = set()
        for face in builtin_faces():
            if face.name in seen:
                continue
            seen.add(face.name)
            out.append({"name": face.name, "family": face.family, "builtin": True, "file": face.path.name})
        for path in self.user_files():
            for face in self._user_faces(path)[:1]:
                out.append({"name": path.name, "family": face.family, "builtin": False, "file": path.name,
                            "size": path.stat().st_size})
        return out


_vips_loaded: set[str] = set()
_vips_lock = threading.Lock()


def ensure_loaded(face: FontFace) -> None:
    """Tell Pango (through libvips' ``fontfile``) about a font file, once per process."""
    key = str(face.path)
    if key in _vips_loaded:
        return
    with _vips_lock:
        if key in _vips_loaded:
            return
        import pyvips

        pyvips.Image.text("a", fontfile=key, dpi=72)
        _vips_loaded.add(key)


def is_ignorable(ch: str) -> bool:
    """Characters that need no glyph of their own (joiners, marks, selectors, controls)."""
    category = unicodedata.category(ch)
    return category in ("Cf", "Cc", "Mn", "Me") or 0xFE00 <= ord(ch) <= 0xFE0F


def is_rtl_text(text: str) -> bool:
    """True when the first strong character is right-to-left (Arabic, Hebrew, …)."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return True
        if bidi == "L":
            return False
    return False
