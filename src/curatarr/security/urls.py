"""SSRF guard for every outbound URL.

Users' servers live on their LAN, so private ranges and loopback are allowed; what is blocked is
what an attacker would aim a home server at: cloud metadata endpoints, link-local, multicast,
reserved and unspecified addresses, and any scheme other than http(s).

A host is read the way the OS resolver reads it (``inet_aton`` rules), so the numeric spellings
``2852039166``, ``0xA9FEA9FE``, ``0251.0376.0251.0376``, ``127.1`` and ``0x0`` are the addresses
they would connect to, not names that fail to resolve.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services. Those inside link-local (169.254.0.0/16) are refused anyway; the rest
# sit in ranges a LAN may use (ULA, shared address space, IETF, public) and are listed one by one.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, Oracle, DigitalOcean, Hetzner, OpenStack
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "168.63.129.16",  # Azure WireServer
    )
)

BLOCKED_HOSTNAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.aws.internal",
        "metadata.tencentyun.com",
        "instance-data",
        *(str(a) for a in METADATA_ADDRESSES),
    }
)

# IPv6 prefixes that carry an IPv4 address in their low 32 bits: NAT64 (RFC 6052, 8215) and
# IPv4-compatible (::a.b.c.d); ``ipv4_mapped`` and ``sixtofour`` are handled by ipaddress itself.
_IPV4_EMBEDDING = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
    ipaddress.IPv6Network("::/96"),
)


class UnsafeURL(ValueError):
    """The URL may not be fetched by Curatarr."""


def _ipv4_part(text: str) -> int | None:
    """One component of an inet_aton address: decimal, ``0x`` hex or ``0``-prefixed octal."""
    try:
        if text[:2].lower() == "0x":
            return int(text[2:] or "0", 16)  # "0x" alone is 0, as inet_aton reads it
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address ``host`` means to the OS (``inet_aton``), or None if it is a name.

    ``a.b.c.d``, ``a.b.c`` (c is 16 bits), ``a.b`` (b is 24 bits) and ``a`` (32 bits); each
    part decimal, hex or octal.
    """
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or any(not p or not p.isascii() or not p.isalnum() for p in parts):
        return None
    values: list[int] = []
    for part in parts:
        value = _ipv4_part(part)
        if value is None:
            return None
        values.append(value)
    *head, last = values
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (5 - len(values))):
        return None  # the last part fills the bytes the others left, and no more
    number = last
    for i, v in enumerate(head):
        number |= v << (24 - 8 * i)
    return ipaddress.IPv4Address(number)


def parse_address(host: str) -> IPAddress | None:
    """The address a URL host stands for without DNS (any IPv4 spelling, IPv6 literal), or None."""
    host = host.strip("[]").split("%", 1)[0]  # an IPv6 zone id does not change the address
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return parse_ipv4(host)


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if addr.ipv4_mapped:
        return addr.ipv4_mapped
    if addr.sixtofour:
        return addr.sixtofour
    if any(addr in net for net in _IPV4_EMBEDDING) and int(addr) & 0xFFFFFFFF > 1:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)  # ::1 and :: are not IPv4
    return None


def address_is_blocked(addr: IPAddress) -> bool:
    """Metadata endpoints, link-local, multicast, reserved, unspecified (embedded IPv4 too)."""
    if isinstance(addr, ipaddress.IPv6Address):
        inner = _embedded_ipv4(addr)
        if inner is not None and address_is_blocked(inner):
            return True
    if addr.is_loopback:
        return False  # ::1 sits inside ::/8, which ipaddress calls reserved; loopback is allowed
    return (
        addr in METADATA_ADDRESSES
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    )


def check_host(host: str, port: int | None = None, *, resolve: bool = True) -> None:
    """Raise :class:`UnsafeURL` if a connection to ``host`` could reach a blocked address.

    Every address the host name resolves to is checked (not only the first), so a name that
    resolves to a mix of LAN and metadata addresses is refused.
    """
    host = host.rstrip(".").lower()
    if not host:
        raise UnsafeURL("URL has no host")
    if host in BLOCKED_HOSTNAMES:
        raise UnsafeURL(f"host {host!r} is a cloud metadata endpoint")
    literal = parse_address(host)
    if literal is not None:
        if address_is_blocked(literal):
            raise UnsafeURL(
                f"address {host} ({literal}) is a metadata endpoint, link-local, multicast, "
                "reserved or unspecified"
            )
        return
    if not resolve:
        return
    try:
        infos = socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        # Unresolvable names are not a security problem; the request itself will fail
        # and be reported as Unreachable.
        return
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if address_is_blocked(addr):
            raise UnsafeURL(f"host {host!r} resolves to blocked address {addr}")


def check_url(url: str, *, resolve: bool = True) -> str:
    """Return ``url`` unchanged if it is safe to fetch, else raise :class:`UnsafeURL`."""
    if not isinstance(url, str) or "\x00" in url:
        raise UnsafeURL("URL is not a string or contains a NUL byte")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(f"scheme {parts.scheme or '(none)'!r} is not allowed; use http or https")
    try:
        port = parts.port
    except ValueError:  # a bad port is the request's problem; it does not change the address
        port = None
    check_host(parts.hostname or "", port, resolve=resolve)
    return url
