"""The address classifier and the vetting of a request target, without any network.

The classifier is checked against the stdlib's own predicates (an independent oracle), and the
IPv6 forms that embed an IPv4 address against the IPv4 verdict. Name resolution is replaced by a
fake `socket.getaddrinfo`, and `socket.create_connection` fails the test if it is ever called:
a refused address must be refused before any connection is attempted.
"""

from __future__ import annotations

import socket
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.wp.fetch import FetchError, FetchOptions, HttpClient
from sitegen.wp.netguard import origin, refusal, trusted_origins
from sitegen.wp.transport import vet

v4 = st.builds(IPv4Address, st.integers(0, 2**32 - 1))
v6 = st.builds(IPv6Address, st.integers(0, 2**128 - 1))
CGNAT = IPv4Network("100.64.0.0/10")


def internal_by_stdlib(ip: IPv4Address | IPv6Address) -> bool:
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, IPv4Address) and ip in CGNAT)
    )


@given(v4)
def test_an_ipv4_address_is_refused_when_the_stdlib_calls_it_internal(ip: IPv4Address) -> None:
    if internal_by_stdlib(ip):
        assert refusal(ip), ip
    if not refusal(ip):
        assert ip.is_global and not ip.is_multicast


@given(v4)
def test_ipv6_forms_of_an_ipv4_address_get_its_verdict(ip: IPv4Address) -> None:
    forms = [
        IPv6Address(f"::ffff:{ip}"),  # IPv4-mapped
        IPv6Address(int(IPv6Address("64:ff9b::")) | int(ip)),  # NAT64
        IPv6Address((0x2002 << 112) | (int(ip) << 80)),  # 6to4
    ]
    for form in forms:
        assert bool(refusal(form)) == bool(refusal(ip)), (form, ip)
    if int(ip) > 1:  # IPv4-compatible (deprecated): refused whatever it embeds
        assert refusal(IPv6Address(int(ip))) == "reserved (IPv4-compatible)"


@given(v6)
def test_an_ipv6_address_is_refused_when_the_stdlib_calls_it_internal(ip: IPv6Address) -> None:
    inner = ip.ipv4_mapped or ip.sixtofour or (ip in IPv6Network("64:ff9b::/96") or None)
    if internal_by_stdlib(ip) and inner is None:
        assert refusal(ip), ip
    if not refusal(ip) and inner is None:
        assert ip.is_global and not ip.is_multicast


@given(st.sampled_from(["fc00::/7", "fe80::/10", "ff00::/8", "::1/128", "::/128"]), st.data())
def test_ipv6_internal_ranges_are_refused(net: str, data: st.DataObject) -> None:
    network = IPv6Network(net)
    offset = data.draw(st.integers(0, network.num_addresses - 1))
    assert refusal(network[offset])


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local (cloud metadata)"),
        ("100.100.100.200", "shared (carrier-grade NAT)"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("255.255.255.255", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fd00:ec2::254", "private (unique-local)"),
        ("fe80::1%eth0", "link-local"),
        ("::ffff:127.0.0.1", "loopback (as IPv6)"),
        ("::ffff:169.254.169.254", "link-local (cloud metadata) (as IPv6)"),
        ("2002:a00:1::", "private (as IPv6)"),
        ("93.184.216.34", ""),
        ("2606:4700::6810:84e5", ""),
        ("::ffff:93.184.216.34", ""),
    ],
)
def test_named_addresses(address: str, why: str) -> None:
    ip = IPv6Address(address) if ":" in address else IPv4Address(address)
    assert refusal(ip) == why


def test_origins_are_scheme_host_and_port() -> None:
    assert origin("http://127.0.0.1:8089/web") == ("http", "127.0.0.1", 8089)
    assert origin("HTTPS://Example.COM/x") == ("https", "example.com", 443)
    assert origin("http://example.com:80/") == origin("http://example.com/")
    assert origin("http://[::1]:8080/") == ("http", "::1", 8080)
    assert origin("http://bücher.example/") == ("http", "xn--bcher-kva.example", 80)
    for bad in ("file:///etc/passwd", "ftp://example.com/", "http://", "http://h:99999/", "x"):
        assert origin(bad) is None
    assert trusted_origins(("http://127.0.0.1:8089/web", "ftp://x/")) == {
        ("http", "127.0.0.1", 8089)
    }


@pytest.fixture
def no_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        pytest.fail(f"a connection was attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    asked: list[str] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        family = lambda a: socket.AF_INET6 if ":" in a else socket.AF_INET  # noqa: E731
        return [(family(a), socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.usefixtures("no_connection")
@pytest.mark.parametrize("internal", ["10.0.0.1", "169.254.169.254", "::ffff:10.0.0.1", "fd00::1"])
def test_a_name_that_resolves_internal_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, internal: str
) -> None:
    fake_dns(monkeypatch, {"images.attacker.example": [internal]})
    http = HttpClient(FetchOptions(retries=0), sleep=lambda s: None)
    with pytest.raises(FetchError, match=r"refused: images\.attacker\.example is a .* address"):
        http.get("http://images.attacker.example/cat.jpg")


@pytest.mark.usefixtures("no_connection")
def test_one_internal_answer_among_public_ones_is_enough_to_refuse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_dns(monkeypatch, {"mixed.example": ["93.184.216.34", "127.0.0.1"]})
    with pytest.raises(FetchError, match=r"loopback address \(127\.0\.0\.1\)"):
        vet("https://mixed.example/x.png", frozenset())


@pytest.mark.usefixtures("no_connection")
def test_other_schemes_are_refused_without_resolving(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = fake_dns(monkeypatch, {})
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://h/", "data:,x"):
        with pytest.raises(FetchError, match="only http:// and https://"):
            vet(url, frozenset())
    assert asked == []


def test_the_connection_goes_to_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # DNS rebinding: the first answer is public, any later one internal. The name is resolved
    # once per request and the socket is opened to that checked address, never to a new answer.
    answers = iter([["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]])
    asked: list[str] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in next(answers)]

    connected: list[tuple[str, int]] = []

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> None:
        connected.append(address)
        raise ConnectionRefusedError(111, "Connection refused")  # never a real connection

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    http = HttpClient(FetchOptions(retries=0), sleep=lambda s: None)
    with pytest.raises(FetchError, match="cannot connect"):
        http.get("http://rebind.example:8080/x.png")
    assert asked == ["rebind.example"]
    assert connected == [("93.184.216.34", 8080)]


@pytest.mark.usefixtures("no_connection")
@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f000001/",
        "http://127.1/",
        "http://017700000001/",  # octal
        "http://0.0.0.0:8089/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/latest/meta-data/",  # 169.254.169.254
        "https://[fe80::1]:8443/",
    ],
)
def test_spellings_of_internal_addresses_are_refused(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    real = socket.getaddrinfo

    def numeric_only(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        # The C resolver reads these spellings itself; AI_NUMERICHOST makes sure no DNS query
        # is ever sent for them.
        return real(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)

    monkeypatch.setattr(socket, "getaddrinfo", numeric_only)
    with pytest.raises(FetchError, match=r"refused: .* is a .* address"):
        vet(url, frozenset())
