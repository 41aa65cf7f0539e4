"""Uploads: only this run's renders by default; existing assets with upload_existing_assets
(marker-checked, hash-checked); Jellyfin/Emby Backdrop → Thumb with replace_thumb_with_backdrop."""

from __future__ import annotations

import io

from PIL import Image

from tests.posters.conftest import configure, run

ONLY_POSTERS = {"backgrounds": False, "seasons": False, "titlecards": False}


def _marked_jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 90), (0, 90, 0)).save(buf, "JPEG", comment=b"Kometa overlay")
    return buf.getvalue()


def test_upload_sends_only_this_runs_renders(runtime, sims):
    configure(runtime, sims, **ONLY_POSTERS)
    made = run(runtime)
    assert made.counts["writes"] > 0
    configure(runtime, sims, upload=True, **ONLY_POSTERS)
    again = run(runtime)
    assert again.counts["uploads"] == 0 and not sims.sim("plex").events("uploads")


def test_existing_assets_are_uploaded_unless_the_server_image_carries_a_marker(runtime, sims):
    from curatarr.connectors.plex import PlexClient

    configure(runtime, sims, **ONLY_POSTERS)
    made = run(runtime)
    kometa = sims.library.movies[1]
    with PlexClient(sims.servers["plex"].url, sims.keys["plex"]) as plex:
        plex.upload_poster(str(kometa.plex_rating_key), data=_marked_jpeg())
    before = len(sims.sim("plex").events("uploads"))

    configure(runtime, sims, upload_existing_assets=True, **ONLY_POSTERS)
    pushed = run(runtime)
    uploads = sims.sim("plex").events("uploads")[before:]
    assert pushed.counts["writes"] == 0
    assert pushed.counts["uploads"] == len(uploads) == made.counts["posters"] - 1
    assert pushed.counts["upload_skipped_marker"] == 1
    assert str(kometa.plex_rating_key) not in {str(u["rating_key"]) for u in uploads}

    again = run(runtime)  # hash-checked: what went up is not sent twice, the marked one stays skipped
    assert again.counts["uploads"] == 0
    assert len(sims.sim("plex").events("uploads")) == before + len(uploads)

    configure(runtime, sims, upload_existing_assets=True, disable_hash_validation=True, **ONLY_POSTERS)
    forced = run(runtime)
    assert forced.counts["uploads"] == 1
    assert str(sims.sim("plex").events("uploads")[-1]["rating_key"]) == str(kometa.plex_rating_key)


def test_backdrop_upload_also_sets_thumb_on_jellyfin(runtime, sims):
    configure(runtime, sims, servers=("jellyfin",), upload=True, replace_thumb_with_backdrop=True,
              posters=False, seasons=False, titlecards=False)
    result = run(runtime)
    events = sims.sim("jellyfin").events("uploads")
    backdrops = {e["item_id"]: e["sha256"] for e in events if e["image_type"] == "Backdrop"}
    thumbs = {e["item_id"]: e["sha256"] for e in events if e["image_type"] == "Thumb"}
    assert backdrops and thumbs == backdrops
    assert result.counts["uploads"] == len(backdrops) == result.counts["backgrounds"]


def test_without_the_option_no_thumb_is_posted(runtime, sims):
    configure(runtime, sims, servers=("jellyfin",), upload=True, posters=False, seasons=False, titlecards=False)
    run(runtime)
    events = sims.sim("jellyfin").events("uploads")
    assert any(e["image_type"] == "Backdrop" for e in events)
    assert not any(e["image_type"] == "Thumb" for e in events)
