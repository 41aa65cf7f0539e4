"""`curatarr demo` as a user runs it: a subprocess in a fresh directory, then the API from outside."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests._fixtures import sim_cluster
from tests.conftest import free_port

CURATARR = Path(sys.executable).with_name("curatarr")


class DemoProcess:
    def __init__(self, proc: subprocess.Popen, url: str, data_dir: Path, output: Path):
        self.proc, self.url, self.data_dir, self.output = proc, url, data_dir, output
        self.token: str | None = None

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    def login(self, username: str = "demo", password: str = "demo") -> httpx.Response:
        return httpx.post(f"{self.url}/api/auth/login", json={"username": username, "password": password}, timeout=10)

    def client(self) -> httpx.Client:
        r = self.login()
        assert r.status_code == 200, r.text
        self.token = r.json()["token"]
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=20)


@contextmanager
def run_demo(workdir: Path, *extra: str, deadline_s: float = 60.0):
    """Start ``curatarr demo`` in ``workdir`` on a free port; yields once it answers /api/health."""
    port = free_port()
    data_dir = workdir / "demo-data"
    output = workdir / "demo.out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("CURATARR_DATA_DIR", None)
    with open(output, "wb") as out:
        proc = subprocess.Popen([str(CURATARR), "demo", "--port", str(port), "--data-dir", str(data_dir), *extra],
                                cwd=workdir, stdout=out, stderr=subprocess.STDOUT, env=env)
    demo = DemoProcess(proc, f"http://127.0.0.1:{port}", data_dir, output)
    try:
        end = time.monotonic() + deadline_s
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"demo exited with {proc.returncode}:\n{demo.text()}")
            try:
                if httpx.get(f"{demo.url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > end:
                raise AssertionError(f"demo did not come up:\n{demo.text()}")
            time.sleep(0.1)
        yield demo
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.slow
def test_demo_in_a_fresh_directory(tmp_path):
    with run_demo(tmp_path) as demo:
        banner = demo.text()
        assert "user 'demo' / password 'demo'" in banner and f"{demo.url}/" in banner
        assert demo.login("demo", "wrong").status_code == 401
        with demo.client() as c:
            answer = c.get("/api/instances").json()
            grouped = answer["data"]  # the map of types beside CHUB's envelope keys
            assert {t: answer[t] for t in grouped} == grouped
            names = {name for named in grouped.values() for name in named}
            assert len(names) >= 3 and {"radarr", "radarr_4k", "sonarr", "plex"} <= names
            assert all(cfg["api"] == "********" for named in grouped.values() for cfg in named.values())
            health = c.get("/api/instances/health").json()["health"]
            healthy = [n for n, h in health.items() if h["status"] == "healthy"]
            assert len(healthy) >= 3 and set(healthy) == names, health
            libs = c.get("/api/plex/plex/libraries").json()["libraries"]
            assert {lib["type"] for lib in libs} >= {"movie", "show"}
        assert (demo.data_dir / ".curatarr-demo").exists()
        assert (demo.data_dir / "config.yml").exists()


@pytest.mark.slow
def test_demo_refuses_to_wipe_a_foreign_folder(tmp_path):
    precious = tmp_path / "demo-data"
    precious.mkdir()
    (precious / "keep-me.txt").write_text("important")
    proc = subprocess.run([str(CURATARR), "demo", "--port", str(free_port()), "--data-dir", str(precious)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "not created by 'curatarr demo'" in proc.stderr
    assert (precious / "keep-me.txt").read_text() == "important"


def test_prepare_data_dir_wipes_only_demo_folders(tmp_path):
    from curatarr.demo import MARKER, DemoDirError, prepare_data_dir

    d = tmp_path / "demo"
    assert prepare_data_dir(d) is True and (d / MARKER).exists()
    (d / "old.db").write_text("x")
    assert prepare_data_dir(d, keep=True) is False and (d / "old.db").exists()
    assert prepare_data_dir(d) is True and not (d / "old.db").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "file").write_text("x")
    with pytest.raises(DemoDirError):
        prepare_data_dir(other)
    assert (other / "file").exists()


def test_demo_config_points_every_instance_at_a_simulator():
    from curatarr.demo import DEMO_MODULES, available_services, demo_config
    from curatarr.sims.library import SampleLibrary

    with sim_cluster(SampleLibrary.generate(movies=3, shows=1, artists=1), available_services()) as cluster:
        config = demo_config(cluster, "/tmp/demo-x")
    names = {name for named in config["instances"].values() for name in named}
    assert names == set(cluster.types)
    assert {"radarr", "radarr_4k", "plex"} <= names
    tmdb = config["instances"].get("tmdb", {}).get("tmdb")
    if tmdb:
        assert tmdb["url"].endswith("/3") and tmdb["images_url"].endswith("/t/p")
    from curatarr.modules import registry

    for section in DEMO_MODULES:
        module = registry.try_get(section)
        assert module is not None, f"demo configures unknown module {section!r}"
        module.Config.model_validate(config[section])  # raises if a demo line drifts from the module
        for key, value in config[section].items():
            if isinstance(value, list) and key in ("instances", "media_servers", "arr_instances"):
                # entries are names, or CHUB's {name: {options}} / {"name": …} dicts (poster_renamerr)
                named = {v if isinstance(v, str) else (v.get("name") or next(iter(v))) for v in value}
                assert named <= names, (section, key, value)


@pytest.mark.slow
def test_run_now_does_real_work_for_every_demo_module(tmp_path):
    """Non-negotiable: every module the demo configures does real work against the simulators.

    The demo's own configuration over a smaller sample library than the demo serves (the poster
    maker renders every asset of it at full size; the demo's 50 movies and 10 shows took ~100 s)."""
    from curatarr.demo import DEMO_MODULES, prepare
    from curatarr.sims.library import SampleLibrary

    demo = prepare(tmp_path / "demo-data", library=SampleLibrary.generate(movies=12, shows=2, artists=2))
    try:
        rt = demo.runtime
        rt.start()
        results = {}
        for module in DEMO_MODULES:
            job_id = rt.jobs.submit(module, origin={"source": "test"})
            results[module] = rt.jobs.wait(job_id, timeout=600)
        for module, job in results.items():
            assert job["status"] == "success", (module, job.get("error"))
            result = job.get("result") or {}
            counts = result.get("counts") or {}
            assert sum(v for v in counts.values() if isinstance(v, (int, float))) > 0 or result.get("changed"), (
                f"{module} did nothing: {result}")
        # health_checkarr runs dry by default and only reports; renameinatorr really renamed in the sims.
        assert results["renameinatorr"]["result"]["changed"], results["renameinatorr"]["result"]
        # unmatched_assets ran after the poster maker: it found some of its posters and reports the rest.
        unmatched = results["unmatched_assets"]["result"]["data"]["summary"]
        assert unmatched["overall"]["with_assets"] > 0 and unmatched["overall"]["total"] > 0, unmatched
        assert unmatched["collections"]["total"] is not None, unmatched
    finally:
        demo.close()


@pytest.mark.slow
def test_demo_starts_its_first_runs_and_stats_count_the_fresh_cache(tmp_path):
    """Issue 17: the demo is alive at once — the cache fills and a poster maker run starts without a
    click; the 30-day counters count the rows just cached (created_at), whatever the *arr "added" date."""
    from curatarr.demo import prepare, start_first_runs
    from curatarr.library import stats
    from curatarr.sims.library import SampleLibrary

    demo = prepare(tmp_path / "demo-data", library=SampleLibrary.generate(movies=6, shows=2, artists=1))
    try:
        rt = demo.runtime
        rt.start()
        jobs = start_first_runs(rt)
        assert list(jobs) == ["cache_refresh", "poster_maker"]
        assert rt.jobs.get(jobs["poster_maker"])["status"] in ("queued", "running")
        done = {m: rt.jobs.wait(j, timeout=600) for m, j in jobs.items()}
        assert all(job["status"] == "success" for job in done.values()), {m: j.get("error") for m, j in done.items()}
        with rt.db.session() as s:
            recent, every = stats.summary(s, "30d"), stats.summary(s, "all")
            decades = stats.detailed(s, "all")["by_decade"]
        assert every["totals"]["total"] > 0
        assert recent["totals"]["total"] == every["totals"]["total"], (recent["totals"], every["totals"])
        assert decades and all(d["value"] % 10 == 0 for d in decades), decades
    finally:
        demo.close()
