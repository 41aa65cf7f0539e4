"""Text preparation (pure): which string a text layer shows and how it is transformed first.

Mirrors Posterizarr §2.3: upper-casing, quote normalisation, forced line breaks at symbols
(consumed unless listed in ``keep_symbols``) or at words (``newline_words`` replacements), the
"SEASON n • EPISODE m" label. Shell escaping is not needed: nothing here goes near a shell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from curatarr.artwork.templates import TextLayer

QUOTES = str.maketrans({"„": '"', "”": '"', "“": '"', "«": '"', "»": '"'})
MAX_TEXT_CHARS = 1000  # far beyond any title; bounds the work a hostile request can cause


@dataclass
class TextInputs:
    """Everything a template's text layers may draw from. All optional."""

    title: str | None = None
    original_title: str | None = None
    year: int | str | None = None
    season_name: str | None = None
    season_number: int | None = None
    episode_number: int | None = None
    episode_title: str | None = None
    collection_word: str | None = None
    custom: dict[str, str] = field(default_factory=dict)
    language: str | None = None  # library language (ISO 639-1) — picks RTL / CJK faces

    @classmethod
    def from_mapping(cls, data: dict) -> "TextInputs":
        known = {k: data.get(k) for k in ("title", "original_title", "year", "season_name", "season_number",
                                          "episode_number", "episode_title", "collection_word", "language")}
        for key in ("season_number", "episode_number"):
            if known[key] not in (None, ""):
                try:
                    known[key] = int(known[key])
                except (TypeError, ValueError):
                    raise ValueError(f"{key} must be a whole number") from None
            else:
                known[key] = None
        custom = data.get("custom") or {}
        if not isinstance(custom, dict):
            raise ValueError("custom must be an object of strings")
        return cls(**known, custom={str(k): str(v) for k, v in custom.items()})


def episode_label(season: int | None, episode: int | None, layer: TextLayer) -> str | None:
    parts = []
    if season is not None:
        parts.append(f"{layer.season_word} {season}".strip())
    if episode is not None:
        parts.append(f"{layer.episode_word} {episode}".strip())
    return layer.separator.join(parts) if parts else None


class _SafeDict(dict):
    def __missing__(self, key):  # unknown placeholders stay visible instead of raising
        return "{" + key + "}"


def source_text(layer: TextLayer, inputs: TextInputs) -> str | None:
    """The raw string for a layer, or None when the inputs do not provide it (layer is skipped)."""
    src = layer.source
    if src == "title":
        return inputs.title
    if src == "original_title":
        return inputs.original_title or inputs.title
    if src == "season_name":
        if inputs.season_name:
            return inputs.season_name
        return f"Season {inputs.season_number}" if inputs.season_number is not None else None
    if src == "episode_label":
        return episode_label(inputs.season_number, inputs.episode_number, layer)
    if src == "episode_title":
        return inputs.episode_title
    if src == "collection_word":
        return inputs.collection_word or layer.text or "COLLECTION"
    values = _SafeDict({k: "" if v is None else str(v) for k, v in vars(inputs).items() if k != "custom"})
    values.update(inputs.custom)
    return (layer.text or "").format_map(values)


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")


def prepare_text(raw: str, layer: TextLayer) -> str:
    """Normalise and transform ``raw`` for drawing; returns text with explicit ``\\n`` breaks."""
    text = unicodedata.normalize("NFC", raw[:MAX_TEXT_CHARS]).translate(QUOTES).replace("\r\n", "\n").replace("\r", "\n")
    for word, replacement in layer.newline_words.items():
        if word:
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", replacement.replace("\\n", "\n"), text)
    for symbol in layer.newline_symbols:
        if not symbol:
            continue
        kept = symbol.rstrip() if symbol in layer.keep_symbols or symbol.strip() in layer.keep_symbols else ""
        text = text.replace(symbol, f"{kept}\n" if kept else "\n")
    if layer.all_caps:
        text = text.upper()
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)
