"""Template storage: built-in families shipped in the package (read-only) and user templates as
one YAML file each under ``<data>/artwork/templates`` (written atomically)."""

from __future__ import annotations

import io
import threading
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML

from curatarr.artwork.errors import TemplateError, TemplateNotFound, TemplateReadOnly
from curatarr.artwork.templates import Kind, Template, validate_template
from curatarr.fsutil import atomic_write_text

BUILTIN_DIR = Path(__file__).parent / "templates"
FAMILY_ORDER = ("classic", "cinema", "editorial")


def _yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    return yaml


def _load_yaml(text: str):
    from curatarr.config.yaml_limits import YamlTooComplex, check_yaml_limits

    try:
        check_yaml_limits(text)  # an alias bomb is refused before the loader expands it
    except YamlTooComplex as exc:
        raise TemplateError(str(exc)) from None
    try:
        return _yaml().load(text)
    except Exception as exc:
        raise TemplateError(f"not valid YAML: {str(exc).splitlines()[0]}") from None


@lru_cache(maxsize=1)
def builtin_families() -> dict[str, dict]:
    """``{family: {"name", "description", "templates": {kind: Template}}}`` from the package."""
    families: dict[str, dict] = {}
    for path in sorted(BUILTIN_DIR.glob("*.yml")):
        doc = _load_yaml(path.read_text(encoding="utf-8"))
        family = doc["family"]
        entry = {"name": doc.get("name", family), "description": doc.get("description", ""), "templates": {}}
        for raw in doc["templates"]:
            raw = {"family": family, **raw, "builtin": True}
            raw.setdefault("id", f"{family}-{raw['kind']}")
            template = validate_template(raw)
            entry["templates"][template.kind.value] = template
        families[family] = entry
    return families


def builtin_templates() -> list[Template]:
    fams = builtin_families()
    order = [f for f in FAMILY_ORDER if f in fams] + [f for f in sorted(fams) if f not in FAMILY_ORDER]
    return [t for fam in order for t in fams[fam]["templates"].values()]


class TemplateStore:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self._lock = threading.Lock()
        # Parsed user templates by path, valid while the file's (inode, size, mtime) stay the same:
        # a render job asks for its template by id, and parsing the YAML (pure Python) for every
        # job cost ~12 % of a batch. Writes are atomic renames, so an edit always changes the inode.
        self._parsed: dict[Path, tuple[tuple[int, int, int], Template]] = {}

    # ------------------------------------------------------------- reading
    def _user_paths(self) -> list[Path]:
        if self.folder is None or not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*.yml"))

    def _read_user(self, path: Path) -> Template:
        """The template in ``path`` (TemplateError when it is broken, OSError when it is gone)."""
        st = path.stat()
        signature = (st.st_ino, st.st_size, st.st_mtime_ns)
        cached = self._parsed.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
        raw = dict(_load_yaml(path.read_text(encoding="utf-8")) or {})
        raw["builtin"] = False
        template = validate_template(raw)
        self._parsed[path] = (signature, template)
        return template

    def user_templates(self) -> list[Template]:
        out = []
        for path in self._user_paths():
            try:
                out.append(self._read_user(path))
            except (TemplateError, OSError):
                continue  # a broken hand-edited file must not hide the others
        return out

    def list(self) -> list[Template]:
        return builtin_templates() + self.user_templates()

    def get(self, template_id: str) -> Template:
        for template in builtin_templates():
            if template.id == template_id:
                return template
        path = self._path(template_id)
        if path is None or not path.is_file():
            raise TemplateNotFound(f"template {template_id!r} not found")
        return self._read_user(path)

    def resolve(self, name: str | None, kind: Kind | str) -> Template:
        """A template id, or a family name (→ that family's template for ``kind``); default classic."""
        kind = Kind(kind)
        name = (name or "classic").strip()
        try:
            template = self.get(name)
        except TemplateNotFound:
            template = None
        if template is None:
            for candidate in self.list():
                if candidate.family == name and candidate.kind == kind:
                    return candidate
            raise TemplateNotFound(f"no template or family {name!r} for kind {kind.value!r}")
        if template.kind != kind:
            raise TemplateError(f"template {name!r} is for {template.kind.value!r}, not {kind.value!r}")
        return template

    def families(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for template in self.list():
            out.setdefault(template.family, []).append(template.id)
        return out

    # ------------------------------------------------------------- writing
    def _path(self, template_id: str) -> Path | None:
        if self.folder is None:
            return None
        from curatarr.artwork.templates import TEMPLATE_ID_RE

        if not TEMPLATE_ID_RE.match(template_id):
            return None
        return self.folder / f"{template_id}.yml"

    def _write(self, template: Template) -> None:
        path = self._path(template.id)
        if path is None:
            raise TemplateError("no template folder configured")
        buf = io.StringIO()
        _yaml().dump(template.model_dump(mode="json", exclude={"builtin"}, exclude_none=True), buf)
        atomic_write_text(path, buf.getvalue())

    def create(self, data: dict) -> Template:
        template = validate_template({**data, "builtin": False})
        with self._lock:
            if any(t.id == template.id for t in builtin_templates()):
                raise TemplateReadOnly(f"{template.id!r} is a built-in template id; choose another id")
            path = self._path(template.id)
            if path is not None and path.exists():
                raise TemplateReadOnly(f"template {template.id!r} already exists")
            self._write(template)
        return template

    def update(self, template_id: str, data: dict) -> Template:
        if any(t.id == template_id for t in builtin_templates()):
            raise TemplateReadOnly(f"{template_id!r} is built in and read-only; save a copy under a new id")
        self.get(template_id)
        template = validate_template({**data, "id": template_id, "builtin": False})
        with self._lock:
            self._write(template)
        return template

    def delete(self, template_id: str) -> None:
        if any(t.id == template_id for t in builtin_templates()):
            raise TemplateReadOnly(f"{template_id!r} is built in and cannot be deleted")
        path = self._path(template_id)
        if path is None or not path.is_file():
            raise TemplateNotFound(f"template {template_id!r} not found")
        path.unlink()
