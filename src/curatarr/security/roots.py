"""Roots: the folders users may name in the API, and the rule every root obeys.

A root is ``general.allowed_roots`` or any folder setting of a module section (keys ending in
``_dir``/``_path``/``_folder`` and their plurals, ``_roots``, ``asset_path``, ``source_dirs``,
``destination_dir``). A root can never be, or contain, the data dir or a system folder, and never
lies inside one of the data dir's private entries or inside a folder that only holds system
state (``/etc``, ``/proc`` …). Such a value is refused when saved (:func:`config_write_guard`,
answered 422) and skipped when roots are computed (a config.yml edited by hand).

The data dir itself stays the first root so path pickers can browse it, but its private entries
(config, secrets, database, backups, logs, cache) are never reachable: ``security.paths``
refuses any path inside them, whatever root is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

# Sections that are not module sections: their folder-looking keys are not roots.
NOT_MODULE_SECTIONS = frozenset({"general", "auth", "database", "backup", "user_interface", "instances",
                                 "schedule", "notifications"})
FOLDER_SUFFIXES = ("_dir", "_path", "_folder", "_dirs", "_paths", "_folders", "_roots")
FOLDER_KEYS = frozenset({"asset_path", "source_dirs", "destination_dir", "location"})  # location: sync_gdrive.gdrive_list[]

# Never a root, and never contain a root's target: a root may not be one of these or contain one.
SYSTEM_FOLDERS: tuple[Path, ...] = tuple(Path(p) for p in (
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc",
    "/root", "/run", "/sbin", "/srv", "/sys", "/usr", "/var", "/snap",
))
# Folders whose whole content is system state: a root may not lie anywhere inside them either.
SEALED_FOLDERS: tuple[Path, ...] = tuple(Path(p) for p in ("/boot", "/dev", "/etc", "/proc", "/root", "/sys"))


def is_folder_key(key: str) -> bool:
    return key.endswith(FOLDER_SUFFIXES) or key in FOLDER_KEYS


def folder_settings(config: dict) -> dict[str, list[str]]:
    """``"section.key.path" → [folder, …]`` for every folder setting of the whole config
    (``general.allowed_roots`` and every module section's folder keys, nested ones included)."""
    out: dict[str, list[str]] = {}
    general = config.get("general") or {}
    if isinstance(general, dict):
        _add(out, "general.allowed_roots", general.get("allowed_roots"))
    for name, section in config.items():
        if name not in NOT_MODULE_SECTIONS and isinstance(section, dict):
            _walk(section, str(name), out)
    return out


def _walk(section: dict, where: str, out: dict[str, list[str]]) -> None:
    for key, value in section.items():
        here = f"{where}.{key}"
        if is_folder_key(str(key)):
            _add(out, here, value)
        elif isinstance(value, dict):
            _walk(value, here, out)
        elif isinstance(value, list):  # lists of entries, e.g. sync_gdrive.gdrive_list[].location
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    _walk(item, f"{here}[{i}]", out)


def _add(out: dict[str, list[str]], where: str, value: Any) -> None:
    found: list[str] = []
    if isinstance(value, str) and value:
        found.append(value)
    elif isinstance(value, list):
        found += [v for v in value if isinstance(v, str) and v]
        found += [v["path"] for v in value if isinstance(v, dict) and isinstance(v.get("path"), str) and v["path"]]
    if found:
        out[where] = found


def folder_values(section: dict) -> list[str]:
    """Every folder named in one module section (nested sections included)."""
    out: dict[str, list[str]] = {}
    _walk(section, "", out)
    return [folder for folders in out.values() for folder in folders]


def _resolve(path: str | Path) -> Path | None:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError, ValueError):
        return None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def root_problem(folder: str | Path, data_dir: Path) -> str | None:
    """Why ``folder`` cannot be a root, or None if it can."""
    from curatarr.security.paths import private_entry_of

    if isinstance(folder, str) and "\x00" in folder:
        return "contains a NUL byte"
    if not Path(str(folder)).expanduser().is_absolute():
        return "must be an absolute path"
    path = _resolve(folder)
    if path is None:
        return "cannot be resolved"
    data = _resolve(data_dir) or data_dir
    if _inside(data, path):
        return "is or contains the data directory"
    for system in SYSTEM_FOLDERS:
        if _inside(system, path):
            return f"is or contains the system folder {system}"
    for sealed in SEALED_FOLDERS:
        if _inside(path, sealed):
            return f"lies inside the system folder {sealed}"
    if private_entry_of(path) is not None:
        return "lies inside a private part of the data directory"
    return None


def compute_roots(data_dir: Path, config: dict) -> list[Path]:
    """The data dir, then every configured folder that exists and obeys the root rule."""
    out: list[Path] = [data_dir]
    for folders in folder_settings(config).values():
        for folder in folders:
            p = Path(folder).expanduser()
            if not p.is_absolute() or not p.exists() or root_problem(p, data_dir) is not None:
                continue
            resolved = p.resolve()
            if resolved not in out:
                out.append(resolved)
    return out


def bad_roots(data_dir: Path, folders: Iterable[tuple[str, str]]) -> list[str]:
    """``"where: folder (why)"`` for every ``(where, folder)`` that cannot be a root."""
    out = []
    for where, folder in folders:
        why = root_problem(folder, data_dir)
        if why is not None:
            out.append(f"{where}: {folder!r} {why}")
    return out


def changed_folders(old: dict, new: dict) -> list[tuple[str, str]]:
    """``(where, folder)`` for every folder setting of ``new`` that ``old`` did not have as is,
    and ``(where, "")`` for a folder setting that was removed."""
    before, after = folder_settings(old), folder_settings(new)
    changed: list[tuple[str, str]] = []
    for where in sorted(set(before) | set(after)):
        was, now = before.get(where, []), after.get(where, [])
        if was == now:
            continue
        added = [f for f in now if f not in was]
        changed += [(where, f) for f in added] or [(where, "")]
    return changed


def config_write_guard(data_dir: Path):
    """A ``ConfigStore`` guard for this data dir: refuses (``ConfigError``, 422) a write that sets a
    folder breaking the root rule, and (``AuthError``, 403) one that changes any folder setting
    unless the HTTP caller has the admin scope. Calls from outside a request (CLI, jobs) are trusted."""

    def guard(old: dict, new: dict) -> None:
        from curatarr.auth.policy import ADMIN, at_least, caller_scope, denial
        from curatarr.auth.service import AuthError
        from curatarr.config.store import ConfigError

        changed = changed_folders(old, new)
        if not changed:
            return
        problems = bad_roots(data_dir, [(w, f) for w, f in changed if f])
        if problems:
            raise ConfigError("folder setting refused: " + "; ".join(problems))
        scope = caller_scope()
        if scope is not None and not at_least(scope, ADMIN):
            where = ", ".join(sorted({w for w, _ in changed}))
            raise AuthError(f"changing folder settings ({where}) widens file access: {denial(scope, ADMIN)}", 403)

    return guard


def override_guard(data_dir: Path, name: str, section: dict, overrides: dict) -> None:
    """The rule of :func:`config_write_guard` for one run's overrides: a run that points a folder
    setting somewhere else (``asset_path``, ``source_dirs``, a manual ``source_path`` …) widens file
    access for that run just as a config write would, so it needs the admin scope (403) and a folder
    that obeys the root rule (422). Overrides that leave the folders as configured pass."""
    merged = {**section, **overrides}
    config_write_guard(data_dir)({name: section}, {name: merged})
