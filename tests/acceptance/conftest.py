"""Acceptance tables live in ../shared/acceptance (beside the repo); tests run them as data."""

from pathlib import Path

from ruamel.yaml import YAML

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "acceptance"


def load_table(name: str) -> list:
    """Rows of a YAML table, or [] when ../shared is absent (the caller's test then skips)."""
    path = SHARED / name
    if not path.exists():
        return []
    return YAML(typ="safe").load(path.read_text(encoding="utf-8")) or []
