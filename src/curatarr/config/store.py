"""ConfigStore: the one owner of config.yml.

Reads and writes with ruamel.yaml's round-trip mode so a user's comments, key order and unknown keys
survive every save made through the API. Every save validates the whole result first, writes a temp
file, keeps the previous file as ``config.yml.bak`` and renames into place.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import threading
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from curatarr.config.defaults import DEFAULT_CONFIG_YAML
from curatarr.config.models import Settings
from curatarr.config.secrets import unmask_secrets
from curatarr.fsutil import atomic_write_bytes

log = logging.getLogger("curatarr.config")

ChangeListener = Callable[["Settings", "Settings"], None]


class ConfigError(ValueError):
    """config.yml (or a proposed change) is invalid. ``errors`` is pydantic's list when there is one."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.errors = errors or []


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    return y


def to_plain(node: Any) -> Any:
    """ruamel round-trip nodes → plain dict/list/scalars."""
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [to_plain(v) for v in node]
    if hasattr(node, "isoformat"):
        return node.isoformat()
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def deep_merge(base: dict, patch: dict) -> dict:
    """Merge ``patch`` into a copy of ``base``: dicts recursively, everything else replaced."""
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _sync_node(node: CommentedMap, target: dict) -> None:
    """Make the round-trip map ``node`` equal ``target`` in place, keeping comments where keys stay."""
    for key in list(node.keys()):
        if key not in target:
            del node[key]
    for key, value in target.items():
        current = node.get(key)
        if isinstance(value, dict):
            if isinstance(current, CommentedMap):
                _sync_node(current, value)
            else:
                fresh = CommentedMap()
                _sync_node(fresh, value)
                node[key] = fresh
        elif isinstance(value, list):
            if to_plain(current) != value:
                node[key] = _to_node(value)
        elif to_plain(current) != value or key not in node:
            node[key] = value


def _to_node(value: Any) -> Any:
    if isinstance(value, dict):
        m = CommentedMap()
        _sync_node(m, value)
        return m
    if isinstance(value, list):
        return CommentedSeq([_to_node(v) for v in value])
    return value


class ConfigStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._listeners: list[ChangeListener] = []
        self._guards: list[Callable[[dict, dict], None]] = []
        self._doc: CommentedMap = CommentedMap()
        self._plain: dict = {}
        self.settings: Settings = Settings()
        self.load()

    # ---- reading ---------------------------------------------------------------------------------
    def load(self) -> Settings:
        with self._lock:
            if not self.path.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(self.path, DEFAULT_CONFIG_YAML.encode(), mode=0o600)
                log.info("created default config at %s", self.path)
            text = self.path.read_text(encoding="utf-8")
            try:
                doc = _yaml().load(text) if text.strip() else CommentedMap()
            except Exception as exc:  # ruamel raises many error types
                raise ConfigError(f"config.yml is not valid YAML: {exc}") from None
            if doc is None:
                doc = CommentedMap()
            if not isinstance(doc, dict):
                raise ConfigError("config.yml must hold a mapping at the top level")
            plain = to_plain(doc)
            self.settings = self._validate(plain)
            self._doc, self._plain = doc, plain
            return self.settings

    @staticmethod
    def _validate(plain: dict) -> Settings:
        try:
            return Settings.model_validate(plain)
        except ValidationError as exc:
            errors = json.loads(exc.json(include_url=False, include_input=False))
            first = errors[0] if errors else {}
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise ConfigError(f"invalid config at {where or '(root)'}: {first.get('msg', 'invalid')}", errors) from None

    def as_dict(self) -> dict:
        """Plain copy of the whole config as written (unknown keys included), secrets unmasked."""
        with self._lock:
            return copy.deepcopy(self._plain)

    def get_section(self, name: str, default: Any = None) -> Any:
        with self._lock:
            return copy.deepcopy(self._plain.get(name, default))

    # ---- writing ---------------------------------------------------------------------------------
    def subscribe(self, listener: ChangeListener) -> None:
        """Call ``listener(old, new)`` after every successful save (schedulers re-plan here)."""
        self._listeners.append(listener)

    def add_guard(self, guard: Callable[[dict, dict], None]) -> None:
        """Call ``guard(old, new)`` (plain dicts) before every save; it raises to refuse the write."""
        if guard not in self._guards:
            self._guards.append(guard)

    def update(self, patch: dict, *, replace_sections: bool = False) -> Settings:
        """Deep-merge ``patch`` (masked values keep stored secrets), validate, save atomically.

        With ``replace_sections`` each top-level key in ``patch`` replaces its section wholesale.
        """
        if not isinstance(patch, dict):
            raise ConfigError("config must be a JSON object")
        with self._lock:
            current = self._plain
            patch = unmask_secrets(patch, current)
            if replace_sections:
                merged = copy.deepcopy(current)
                merged.update(copy.deepcopy(patch))
            else:
                merged = deep_merge(current, patch)
            return self._commit(merged)

    def replace_section(self, name: str, value: Any) -> Settings:
        return self.update({name: value}, replace_sections=True)

    def delete_key(self, *path: str) -> Settings:
        """Remove ``path`` (e.g. ``"schedule", "labelarr"``) if present, then save."""
        with self._lock:
            merged = copy.deepcopy(self._plain)
            node = merged
            for key in path[:-1]:
                node = node.get(key)
                if not isinstance(node, dict):
                    return self.settings
            if path[-1] not in node:
                return self.settings
            del node[path[-1]]
            return self._commit(merged)

    def _commit(self, merged: dict) -> Settings:
        new_settings = self._validate(merged)
        for guard in self._guards:
            guard(self._plain, merged)
        old_settings = self.settings
        doc = self._doc
        _sync_node(doc, merged)
        buf = io.StringIO()
        _yaml().dump(doc, buf)
        atomic_write_bytes(self.path, buf.getvalue().encode("utf-8"), backup=True, mode=0o600)
        self._plain, self.settings = merged, new_settings
        for listener in list(self._listeners):
            try:
                listener(old_settings, new_settings)
            except Exception:  # a broken listener must not undo a saved config
                log.exception("config change listener failed")
        return new_settings

    def replace_all(self, text: str) -> Settings:
        """Replace config.yml with ``text`` (restore); validated first, previous file kept as .bak."""
        from curatarr.config.yaml_limits import YamlTooComplex, check_yaml_limits

        try:
            check_yaml_limits(text)
        except YamlTooComplex as exc:
            raise ConfigError(str(exc)) from None
        with self._lock:
            try:
                doc = _yaml().load(text) if text.strip() else CommentedMap()
            except Exception as exc:
                raise ConfigError(f"config.yml is not valid YAML: {exc}") from None
            if not isinstance(doc, dict):
                raise ConfigError("config.yml must hold a mapping at the top level")
            plain = to_plain(doc)
            new_settings = self._validate(plain)
            old = self.settings
            atomic_write_bytes(self.path, text.encode("utf-8"), backup=True, mode=0o600)
            self._doc, self._plain, self.settings = doc, plain, new_settings
            for listener in list(self._listeners):
                try:
                    listener(old, new_settings)
                except Exception:
                    log.exception("config change listener failed")
            return new_settings
