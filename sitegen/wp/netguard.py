"""Which network addresses `sitegen import --from` may reach: its trust model.

WordPress data is untrusted: a post may name any URL, and any server may answer with a redirect.
So every request (each redirect hop included) is checked here before a socket is opened:

- only `http` and `https` are fetched;
- the host is resolved once, and *every* address DNS returns must be public: loopback, private
  (RFC 1918, unique-local fc00::/7), link-local (169.254/16 with the cloud metadata service,
  fe80::/10), shared/CGNAT (100.64/10), unspecified, multicast, documentation and reserved
  ranges are refused, and so are IPv6 forms that embed such an IPv4 address (IPv4-mapped,
  NAT64, 6to4; the deprecated IPv4-compatible ::a.b.c.d is refused whatever it embeds);
- the connection then goes to one of those checked addresses (see transport.py), never to a
  second DNS answer, so a name cannot resolve to a public address for the check and to an
  internal one for the connection.

The one exception is trust in the origin the user named: a request whose (scheme, host, port) is
exactly that of the `--from` URL may reach any address — the site being mirrored may itself run
on 127.0.0.1 or the office network. Nothing else on that network is trusted: not another port of
the same machine, not `localhost` for `127.0.0.1`, not the home URL the site claims in its
index, not a redirect from the trusted origin to somewhere internal.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from urllib.parse import urlsplit

Address = IPv4Address | IPv6Address
Origin = tuple[str, str, int]  # (scheme, host, port), lower case, default port filled in
SCHEMES = {"http": 80, "https": 443}

# Refused ranges, each with the word a warning uses. IANA's special-purpose registries, spelt out
# rather than taken from ipaddress's is_private/is_global, whose tables differ between Python
# versions; `is_global` still backs this list up for anything it misses.
_V4 = [
    ("0.0.0.0/8", "unspecified"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared (carrier-grade NAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local (cloud metadata)"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "reserved"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "reserved"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
]
_V6 = [
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/96", "reserved (IPv4-compatible)"),
    ("64:ff9b:1::/48", "reserved"),
    ("100::/64", "reserved"),
    ("2001::/23", "reserved"),
    ("2001:db8::/32", "documentation"),
    ("fc00::/7", "private (unique-local)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "reserved (site-local)"),
    ("ff00::/8", "multicast"),
]
REFUSED_V4 = [(IPv4Network(net), why) for net, why in _V4]
REFUSED_V6 = [(IPv6Network(net), why) for net, why in _V6]
# NAT64 (DNS64 networks): the low 32 bits are the IPv4 address the packet is translated to.
_NAT64 = IPv6Network("64:ff9b::/96")
# All public IPv6 unicast is allocated from here; everything outside it is reserved or local.
_GLOBAL_UNICAST = IPv6Network("2000::/3")


def embedded_v4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address reaches (IPv4-mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(ip: Address) -> str:
    """Why `ip` may not be fetched from ("loopback", "private", …), or "" if it is public."""
    if isinstance(ip, IPv6Address):
        if ip.scope_id:
            ip = IPv6Address(str(ip).split("%", 1)[0])
        inner = embedded_v4(ip)
        if inner is not None:
            why = refusal(inner)
            return f"{why} (as IPv6)" if why else ""
        table: list[tuple[IPv4Network, str]] | list[tuple[IPv6Network, str]] = REFUSED_V6
    else:
        table = REFUSED_V4
    for net, why in table:
        if ip in net:
            return why
    if isinstance(ip, IPv6Address) and ip not in _GLOBAL_UNICAST:
        return "reserved"
    return "" if ip.is_global else "reserved"


def origin(url: str) -> Origin | None:
    """(scheme, host, port) of an http(s) URL; None for anything else or a malformed one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in SCHEMES or not host:
        return None
    try:
        host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
    except UnicodeError:
        return None
    return scheme, host, port if port is not None else SCHEMES[scheme]


def trusted_origins(urls: tuple[str, ...]) -> frozenset[Origin]:
    return frozenset(o for o in map(origin, urls) if o is not None)
