"""Issue #20, item 6 (artwork): test sheets render a bounded number at a time, and a symlink placed in
``overlayfiles/`` never serves, lists or renders its target."""

from __future__ import annotations

import os

import pytest

from curatarr.artwork import testsheet


def test_test_sheets_beyond_the_limit_are_refused_with_retry_after(client):
    taken = 0
    try:
        # Occupy every slot as running sheets would; the next request must not start another render.
        while testsheet.SHEET_SLOTS.acquire(blocking=False):
            taken += 1
        assert taken == testsheet.MAX_CONCURRENT_SHEETS
        r = client.post("/api/artwork/test-sheet", json={"family": "classic"})
        assert r.status_code == 429, r.text
        assert r.headers["Retry-After"] == str(testsheet.RETRY_AFTER_SECONDS)
        assert "test sheets" in r.json()["detail"]
    finally:
        for _ in range(taken):
            testsheet.SHEET_SLOTS.release()
    r = client.post("/api/artwork/test-sheet", json={"family": "classic"})
    assert r.status_code == 200 and r.content.startswith(b"\xff\xd8")
    # A finished (or failed) sheet gives its slot back.
    assert testsheet.SHEET_SLOTS.acquire(blocking=False)
    testsheet.SHEET_SLOTS.release()


@pytest.fixture
def planted_link(runtime, tmp_path):
    secret = tmp_path / "outside.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"TOP-SECRET" * 10)
    folder = runtime.data_dir / "overlayfiles"
    folder.mkdir(exist_ok=True)
    link = folder / "sneaky.png"
    os.symlink(secret, link)
    jwt_link = folder / "jwt.png"
    os.symlink(runtime.data_dir / "jwt.secret", jwt_link)
    return link


def test_a_symlink_in_overlayfiles_never_serves_its_target(client, planted_link):
    for name in ("sneaky.png", "jwt.png"):
        r = client.get(f"/api/overlayfiles/preview/{name}")
        assert r.status_code == 404, r.text
        assert b"TOP-SECRET" not in r.content
    names = {f["name"] for f in client.get("/api/overlayfiles").json()["files"]}
    assert "sneaky.png" not in names and "jwt.png" not in names


def test_a_symlinked_overlay_is_not_rendered(client, runtime, planted_link):
    from curatarr.artwork.compose import RenderContext
    from curatarr.artwork.errors import AssetNotFound

    ctx = RenderContext(fonts=None, overlay_dir=runtime.data_dir / "overlayfiles")
    with pytest.raises(AssetNotFound):
        ctx.overlay_path("sneaky.png")
