"""A fresh demo ships real asset posters and a border_replacerr section, so "Run now" does real work."""

from __future__ import annotations

import pyvips

from curatarr import demo


def test_run_now_on_a_fresh_demo_borders_the_seeded_posters(tmp_path):
    prepared = demo.prepare(tmp_path / "demo-data", services=("radarr",))
    rt = prepared.runtime
    try:
        assets = prepared.data_dir / "assets"
        seeded = sorted(assets.rglob("*.jpg"))
        assert len(seeded) >= 8
        rt.start()
        job = rt.jobs.wait(rt.jobs.submit("border_replacerr"), 120)
        assert job["status"] == "success", job
        written = job["result"]["counts"]["written"]
        assert written == len(seeded)
        out = prepared.data_dir / "output" / "bordered"
        first = out / seeded[0].relative_to(assets)
        image = pyvips.Image.new_from_buffer(first.read_bytes(), "")
        source = pyvips.Image.new_from_buffer(seeded[0].read_bytes(), "")
        assert (image.width, image.height) == (source.width, source.height)
        corner = [round(v) for v in image(3, 3)[:3]]
        colours = {(229, 9, 20), (31, 111, 235), (255, 255, 255), (142, 202, 230)}  # default or Winter colours
        assert any(all(abs(a - b) <= 6 for a, b in zip(corner, c)) for c in colours), corner
    finally:
        rt.stop()
        prepared.close()
