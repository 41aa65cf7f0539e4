"""A sample poster-set tree for the demo and the tests: what a user's TPDb/MediUX downloads and Drive
mirrors look like, for the items of a :class:`~curatarr.sims.library.SampleLibrary`.

``generate_poster_sets(root, library)`` writes small real images (JPEG/PNG/WebP) in set folders named
after their makers (the *owners*), in the naming styles found in the wild:

* ``TPDb - Ravenclaw/`` — flat, id-tagged: ``Title (Year) {tmdb-N}.jpg``, ``Show (Year) {tvdb-N} - Season 1.jpg``,
  ``… - Specials.jpg``, ``Name Collection.jpg``;
* ``TPDb - Plain Jane/`` — flat, no ids, the spellings creators use: articles dropped, ``&`` written
  "and", ``:`` dropped, accents dropped, yearless season posters;
* ``MediUX - Boxset Bob/`` — folder layout: ``Title (Year) {tmdb-N}/poster.png``, ``…/Season01.png``;
* ``MediUX - Textless/`` — WebP, one per movie;
* ``Odds and Ends/`` — the nasty cases: exact duplicates of other files, re-encoded and resized
  near-duplicates, low-resolution files, a non-image named ``.jpg``, a 0-byte ``.jpg``, an episode title
  card, a background, a poster of something not in the library, a ``notes.txt``.

Same library ⇒ same names and same bytes. Returns every file written (images and the odd ones).
"""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from curatarr.sims.library import folder_safe

OWNERS = ("TPDb - Ravenclaw", "TPDb - Plain Jane", "MediUX - Boxset Bob", "MediUX - Textless", "Odds and Ends")
SIZE = (200, 300)
LOW_RES = (80, 120)
_ARTICLES = ("The ", "A ", "An ")


def _image(text: str, size: tuple[int, int], fmt: str, *, seed: int, quality: int = 85) -> bytes:
    rng = random.Random(seed)
    top = tuple(rng.randrange(256) for _ in range(3))
    bottom = tuple(rng.randrange(256) for _ in range(3))
    width, height = size
    img = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(img)
    for y in range(0, height, 4):
        t = y / height
        draw.rectangle((0, y, width, y + 4), fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    for _ in range(3):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(10, 60)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(255, 255, 255), width=2)
    draw.text((8, height - 40), text[:28].encode("ascii", "replace").decode(), fill=(255, 255, 255))
    out = io.BytesIO()
    if fmt == "JPEG":
        img.save(out, fmt, quality=quality)
    else:
        img.save(out, fmt)
    return out.getvalue()


def _seed(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class _Writer:
    def __init__(self, root: Path):
        self.root = root
        self.files: list[Path] = []
        self._seen: set[Path] = set()

    def write(self, relpath: str, data: bytes) -> Path:
        path = self.root / relpath
        if path in self._seen:  # two items can share a yearless name ("Doctor Who - Season 1")
            return path
        self._seen.add(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files.append(path)
        return path

    def poster(self, relpath: str, text: str, *, size: tuple[int, int] = SIZE) -> bytes:
        fmt = {"png": "PNG", "webp": "WEBP"}.get(relpath.rsplit(".", 1)[-1].lower(), "JPEG")
        data = _image(text, size, fmt, seed=_seed(relpath))
        self.write(relpath, data)
        return data


def _plain(title: str) -> str:
    """How a creator without ids spells a title: article dropped, "&" → "and", ":" gone, no accents."""
    import unicodedata

    for article in _ARTICLES:
        if title.startswith(article):
            title = title[len(article):]
            break
    title = title.replace(" & ", " and ").replace(":", "")
    folded = unicodedata.normalize("NFKD", title)
    return folder_safe("".join(c for c in folded if not unicodedata.combining(c)))


def generate_poster_sets(root: Path, library: Any) -> list[Path]:
    """Write the sample poster-set tree for ``library`` under ``root``; returns the files written."""
    root = Path(root)
    w = _Writer(root)
    tagged, plain, folders, textless, odd = OWNERS
    collections: dict[str, int] = {}
    for movie in library.movies:
        name = f"{folder_safe(movie.title)} ({movie.year})"
        w.poster(f"{tagged}/{name} {{tmdb-{movie.tmdb_id}}}.jpg", movie.title)
        w.poster(f"{plain}/{_plain(movie.title)} ({movie.year}).jpg", movie.title)
        w.poster(f"{folders}/{name} {{tmdb-{movie.tmdb_id}}}/poster.png", movie.title)
        w.poster(f"{textless}/{name}.webp", "")
        if movie.collection is not None:
            collections[movie.collection.name] = movie.collection.tmdb_id
    for show in library.shows:
        name = f"{folder_safe(show.title)} ({show.year})"
        w.poster(f"{tagged}/{name} {{tvdb-{show.tvdb_id}}}.jpg", show.title)
        w.poster(f"{folders}/{name} {{tvdb-{show.tvdb_id}}}/poster.png", show.title)
        for season in show.seasons:
            label = "Specials" if season.number == 0 else f"Season {season.number}"
            w.poster(f"{tagged}/{name} {{tvdb-{show.tvdb_id}}} - {label}.jpg", f"{show.title} {label}")
            w.poster(f"{plain}/{_plain(show.title)} - {label}.jpg", f"{show.title} {label}")
            w.poster(f"{folders}/{name} {{tvdb-{show.tvdb_id}}}/Season{season.number:02d}.png", f"S{season.number}")
    for collection in sorted(collections):
        w.poster(f"{tagged}/{folder_safe(collection)}.jpg", collection)
        w.poster(f"{plain}/{_plain(collection)}.jpg", collection)
    _odd_files(w, library, odd)
    return w.files


def _odd_files(w: _Writer, library: Any, odd: str) -> None:
    tagged = OWNERS[0]
    movies = list(library.movies)[:6]
    # exact duplicates: the same bytes under another owner and name
    for movie in movies[:3]:
        src = w.root / f"{tagged}/{folder_safe(movie.title)} ({movie.year}) {{tmdb-{movie.tmdb_id}}}.jpg"
        w.write(f"{odd}/{folder_safe(movie.title)} ({movie.year}).jpg", src.read_bytes())
    # near-duplicates: the same art re-encoded at another quality and resized
    for movie in movies[3:6]:
        src = w.root / f"{tagged}/{folder_safe(movie.title)} ({movie.year}) {{tmdb-{movie.tmdb_id}}}.jpg"
        with Image.open(src) as img:
            smaller = img.resize((180, 270))
            out = io.BytesIO()
            smaller.save(out, "JPEG", quality=60)
        w.write(f"{odd}/{folder_safe(movie.title)} ({movie.year}) - reencoded.jpg", out.getvalue())
    # low resolution
    for movie in list(library.movies)[6:9]:
        w.poster(f"{odd}/{folder_safe(movie.title)} ({movie.year}) - tiny.jpg", movie.title, size=LOW_RES)
    w.write(f"{odd}/Not Really An Image (2001).jpg", b"<html>this is a web page saved as .jpg</html>\n")
    w.write(f"{odd}/Empty File (2002).jpg", b"")
    show = library.shows[0] if library.shows else None
    if show is not None:
        w.poster(f"{odd}/{folder_safe(show.title)} ({show.year}) - S01E01.jpg", "episode card")
    if movies:
        w.poster(f"{odd}/{folder_safe(movies[0].title)} ({movies[0].year}) - Background.jpg", "backdrop",
                 size=(300, 169))
    w.poster(f"{odd}/A Film Nobody Has (1999).jpg", "not in the library")
    w.write(f"{odd}/notes.txt", b"set notes: not an image, never indexed\n")
