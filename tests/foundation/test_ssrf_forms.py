"""SSRF guard (issue 20, item 4): every host spelling the OS accepts, every cloud metadata address,
and Apprise targets (host check and no redirects)."""

from __future__ import annotations

import socket

import pytest

from curatarr.connectors.errors import BadResponse, Unreachable
from curatarr.connectors.notify import Notification, Notifier, NotifyTarget
from curatarr.security.urls import UnsafeURL, check_url, parse_address
from curatarr.sims import push_targets as push_sim
from curatarr.sims.server import SimServer

# Each spelling of 169.254.169.254 (or 0.0.0.0) that inet_aton, and so the OS resolver, accepts.
METADATA_SPELLINGS = [
    "2852039166",            # one decimal number
    "0xA9FEA9FE",            # one hex number
    "0xa9fea9fe",
    "025177524776",          # one octal number
    "0251.0376.0251.0376",   # octal parts
    "0xa9.0xfe.0xa9.0xfe",   # hex parts
    "169.254.43518",         # a.b.c, c is 16 bits
    "169.16689662",          # a.b, b is 24 bits
    "0xa9.254.0251.254",     # mixed
]


@pytest.mark.parametrize("host", METADATA_SPELLINGS)
def test_numeric_host_forms_read_as_the_os_reads_them(host):
    assert parse_address(host) == parse_address(socket.inet_ntoa(socket.inet_aton(host)))
    assert str(parse_address(host)) == "169.254.169.254"


@pytest.mark.parametrize("resolve", [False, True])
@pytest.mark.parametrize("host", [*METADATA_SPELLINGS, "0x0", "0", "0.0", "0x0.0", "000"])
def test_numeric_metadata_and_unspecified_forms_are_refused(host, resolve):
    with pytest.raises(UnsafeURL):
        check_url(f"http://{host}:8080/latest/meta-data/", resolve=resolve)


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/",
    "http://169.254.170.2/v2/credentials",       # AWS ECS
    "http://[fd00:ec2::254]/latest/meta-data/",  # AWS IPv6
    "http://100.100.100.200/latest/meta-data/",  # Alibaba
    "http://192.0.0.192/opc/v2/instance/",       # Oracle
    "http://168.63.129.16/machine?comp=goalstate",  # Azure WireServer
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://metadata.google.internal./",
    "http://METADATA.GOOG/",
    "http://metadata/",
    "http://metadata.tencentyun.com/",
    "http://[::ffff:100.100.100.200]/",          # IPv4-mapped
    "http://[::ffff:a9fe:a9fe]/",
    "http://[2002:a9fe:a9fe::1]/",               # 6to4 wrapping link-local
    "http://[64:ff9b::a9fe:a9fe]/",              # NAT64
    "http://[fe80::1%25eth0]/",                  # link-local with a zone
    "http://169.254.1.1/",                       # link-local
    "http://[fe80::a9fe:a9fe]/",
])
@pytest.mark.parametrize("resolve", [False, True])
def test_cloud_metadata_and_link_local_are_refused(url, resolve):
    with pytest.raises(UnsafeURL):
        check_url(url, resolve=resolve)


@pytest.mark.parametrize("url", [
    "http://127.1:7878/",          # short loopback
    "http://0x7f000001:8989/",     # hex loopback
    "http://2130706433/",          # decimal loopback
    "http://10.1:32400/",          # short private
    "http://0300.0250.1.20/",      # octal 192.168.1.20
    "http://[fd00::10]:8096/",     # a LAN ULA that is not AWS's
    "http://100.64.1.2/",          # CGNAT / Tailscale
    "http://192.0.0.8/",
])
def test_lan_spellings_stay_allowed(url):
    assert check_url(url, resolve=False) == url
    assert check_url(url) == url


def test_names_that_only_look_numeric_are_names():
    for host in ("08", "1.2.3.4.5", "1.256.1.1", "4294967296", "0x1g", "radarr", "12a"):
        assert parse_address(host) is None, host


# ---- Apprise ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def push():
    server = SimServer(push_sim.create_app(api_key="gotifySSRF123"), name="push")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def notifier(push):
    push.sim.reset()
    with Notifier(timeout=5) as n:
        yield n


@pytest.mark.parametrize("host", [
    "0x0:9", "0:9", "2852039166", "0xA9FEA9FE", "0251.0376.0251.0376", "169.254.43518",
    "100.100.100.200", "192.0.0.192", "168.63.129.16", "[fd00:ec2::254]", "metadata.google.internal",
    "user:pw@0xA9FEA9FE:80",
])
def test_apprise_hosts_pass_the_same_guard(notifier, host):
    with pytest.raises(Unreachable):
        notifier.send_to(NotifyTarget(url=f"json://{host}/latest"), Notification(title="t"))


def test_apprise_credential_in_host_position_is_not_a_host(notifier, push):
    # "bot id:token" is not host:port; it must not be refused (nor resolved) as a host.
    from curatarr.connectors.notify import _check_apprise_host

    _check_apprise_host("tgram://2852039166:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/12345")


@pytest.mark.parametrize("query", ["", "?redirect=yes"])
def test_apprise_does_not_follow_redirects(notifier, push, query):
    host = push.url.split("://", 1)[1]
    with pytest.raises(BadResponse):
        notifier.send_to(NotifyTarget(url=f"json://{host}/redirect/json/hook{query}"), Notification(title="t"))
    assert push.sim.events("redirected")  # the target was reached...
    assert push.sim.events("received") == []  # ...and its redirect was not followed
    # the same sim delivers when there is no redirect
    assert notifier.send_to(NotifyTarget(url=f"json://{host}/json/hook"), Notification(title="t")) == 1
