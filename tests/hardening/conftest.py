"""Fixtures of the hardening tests (issue #20): API keys of every scope."""

from __future__ import annotations

import pytest

from curatarr.auth import policy


def key_for(client, scope: str) -> dict[str, str]:
    r = client.post("/api/auth/keys", json={"name": f"{scope} key", "scope": scope})
    assert r.status_code == 201, r.text
    return {"X-API-Key": r.json()["key"]}


@pytest.fixture
def keys(client) -> dict[str, dict[str, str]]:
    return {scope: key_for(client, scope) for scope in policy.SCOPES}


@pytest.fixture
def live_image_server():
    """A real HTTP server on 127.0.0.1 that answers GET with the bytes given: ``serve(data) → url``."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    bodies: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = bodies.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(data: bytes) -> str:
        path = f"/img{len(bodies)}.png"
        bodies[path] = data
        return f"http://127.0.0.1:{server.server_address[1]}{path}"

    yield serve
    server.shutdown()
    server.server_close()


@pytest.fixture
def full_disk(tmp_path):
    """A folder on its own tiny tmpfs, filled to the last byte (needs root to mount; skipped otherwise)."""
    import errno
    import os
    import subprocess

    folder = tmp_path / "full"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
