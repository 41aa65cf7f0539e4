"""SSRF guard for every outbound URL.

Users' servers live on their LAN, so private ranges and loopback are allowed; what is blocked is
what an attacker would aim a home server at: cloud metadata endpoints, link-local, multicast,
reserved and unspecified addresses, and any scheme other than http(s).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

BLOCKED_HOSTNAMES = frozenset(
    {
        "169.254.169.254",
        "metadata",
        "metadata.google.internal",
        "metadata.aws.internal",
        "instance-data",
        "fd00:ec2::254",
    }
)


class UnsafeURL(ValueError):
    """The URL may not be fetched by Curatarr."""


def _address_is_blocked(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_link_local or addr.is_multicast or addr.is_reserved or addr.is_unspecified


def check_url(url: str, *, resolve: bool = True) -> str:
    """Return ``url`` unchanged if it is safe to fetch, else raise :class:`UnsafeURL`.

    Every address the host name resolves to is checked (not only the first), so a name that
    resolves to a mix of LAN and metadata addresses is refused.
    """
    if not isinstance(url, str) or "\x00" in url:
        raise UnsafeURL("URL is not a string or contains a NUL byte")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(f"scheme {parts.scheme or '(none)'!r} is not allowed; use http or https")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeURL("URL has no host")
    if host in BLOCKED_HOSTNAMES:
        raise UnsafeURL(f"host {host!r} is a cloud metadata endpoint")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if _address_is_blocked(literal):
            raise UnsafeURL(f"address {host} is link-local, multicast, reserved or unspecified")
        return url
    if resolve:
        try:
            infos = socket.getaddrinfo(host, parts.port or 80, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError):
            # Unresolvable names are not a security problem; the request itself will fail
            # and be reported as Unreachable.
            return url
        for info in infos:
            addr = ipaddress.ip_address(info[4][0].split("%", 1)[0])
            if _address_is_blocked(addr):
                raise UnsafeURL(f"host {host!r} resolves to blocked address {addr}")
    return url
