"""Issue #20, small items: IPv6 loopback is loopback (allowed like 127.0.0.1), a run that points a
folder setting elsewhere needs the admin scope, and every 422 carries FastAPI's ``detail`` list."""

from __future__ import annotations

import pytest

from curatarr.security.urls import UnsafeURL, check_url


@pytest.mark.parametrize("url", ["http://[::1]/", "http://[::1]:8096/emby", "http://[0:0:0:0:0:0:0:1]:7878/"])
def test_ipv6_loopback_is_allowed_like_ipv4_loopback(url):
    assert check_url(url, resolve=False) == url
    assert check_url(url) == url


@pytest.mark.parametrize("url", ["http://[::]/", "http://[::ffff:169.254.169.254]/", "http://[fe80::1]/"])
def test_other_ipv6_specials_stay_refused(url):
    with pytest.raises(UnsafeURL):
        check_url(url, resolve=False)


def test_a_run_that_moves_a_folder_needs_admin(client, anon_client, keys, runtime, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    # An operator may run with ordinary overrides …
    r = anon_client.post("/api/modules/renameinatorr/execute", json={"dry_run": True}, headers=keys["operator"])
    assert r.status_code == 200, r.text
    url = "/api/modules/poster_maker/execute"
    # … but not point the run's folders somewhere else: that widens file access like a config write.
    before = client.get("/api/jobs").json()
    r = anon_client.post(url, json={"overrides": {"asset_path": str(other)}, "dry_run": True},
                         headers=keys["operator"])
    assert r.status_code == 403 and "admin" in r.json()["detail"], r.text
    assert client.get("/api/jobs").json()["total"] == before["total"]  # nothing queued
    # An admin may, but only to a folder that obeys the root rule.
    r = anon_client.post(url, json={"overrides": {"asset_path": str(runtime.data_dir)}, "dry_run": True},
                         headers=keys["admin"])
    assert r.status_code == 422, r.text
    assert isinstance(r.json()["detail"], list) and "data directory" in r.json()["message"]


def test_custom_422s_use_the_validation_detail_list(client):
    # A domain error (string message) and a config error both answer FastAPI's list shape.
    r = client.post("/api/notifications", json={"module": "renameinatorr", "service_type": "pager",
                                                "config": {"url": "x"}})
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list) and detail[0]["msg"] and isinstance(detail[0]["loc"], list)
    assert "unknown type" in r.json()["message"]
    r = client.post("/api/modules/poster_maker/execute", json={"overrides": {"workers": "many"}})
    assert r.status_code == 422, r.text
    assert all({"type", "loc", "msg"} <= set(e) for e in r.json()["detail"])
