"""Host facts (psutil), our version and our own release notes (from the packaged CHANGELOG)."""

from __future__ import annotations

import os
import platform
import re
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path

import psutil

from curatarr import __version__


def _os_version() -> str:
    try:
        info = platform.freedesktop_os_release()
        return info.get("PRETTY_NAME") or info.get("NAME") or platform.platform()
    except OSError:
        return platform.platform()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def is_docker() -> bool:
    if Path("/.dockerenv").exists() or Path("/run/.containerenv").exists():
        return True
    try:
        text = Path("/proc/1/cgroup").read_text()
    except OSError:
        return False
    return any(marker in text for marker in ("docker", "kubepods", "containerd", "libpod"))


def system_info() -> dict:
    mem = psutil.virtual_memory()
    mb = 1024 * 1024
    return {
        "platform": platform.system(),
        "os_version": _os_version(),
        "cpu_model": _cpu_model(),
        "cpu_cores": psutil.cpu_count(logical=True) or os.cpu_count() or 1,
        "total_memory": f"{mem.total // mb} MB",
        "used_memory": f"{(mem.total - mem.available) // mb} MB",
        "free_memory": f"{mem.available // mb} MB",
        "memory_percent": round(mem.percent, 1),
        "is_docker": is_docker(),
        "python_version": platform.python_version(),
        "curatarr_version": __version__,
    }


_HEADING = re.compile(r"^## \[?v?(?P<version>[0-9][^\]\s]*)\]?(?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$")


def releases() -> list[dict]:
    """Releases from our CHANGELOG.md (shipped in the package), newest first."""
    text = resources.files("curatarr").joinpath("CHANGELOG.md").read_text(encoding="utf-8")
    out: list[dict] = []
    current: dict | None = None
    body: list[str] = []
    for line in text.splitlines():
        m = _HEADING.match(line)
        if m:
            if current:
                current["body"] = "\n".join(body).strip()
                out.append(current)
            published = m.group("date")
            days_ago = None
            if published:
                days_ago = (datetime.now(timezone.utc).date() - date.fromisoformat(published)).days
            current = {
                "version": m.group("version"),
                "name": f"v{m.group('version')}",
                "published_at": f"{published}T00:00:00Z" if published else None,
                "days_ago": days_ago,
                "is_prerelease": "-" in m.group("version"),
                "is_draft": False,
                "html_url": None,
            }
            body = []
        elif current is not None:
            body.append(line)
    if current:
        current["body"] = "\n".join(body).strip()
        out.append(current)
    return out
