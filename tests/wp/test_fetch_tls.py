"""HTTPS through the pinned connection: the socket goes to the vetted address, while the Host
header, SNI and the certificate check use the name. A self-signed certificate for `wp.test`
(made with the openssl command) and a fake DNS answer keep everything on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fetch_server import Reply, serve

from sitegen.wp import transport
from sitegen.wp.fetch import FetchError, FetchOptions, HttpClient

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    key, crt = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=wp.test", "-addext", "subjectAltName=DNS:wp.test",
         "-keyout", str(key), "-out", str(crt)],
        check=True, capture_output=True,
    )  # fmt: skip
    return key, crt


def test_https_connects_to_the_vetted_address_and_checks_the_name(
    cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    key, crt = cert
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(crt, key)
    client_tls = ssl.create_default_context(cafile=str(crt))
    monkeypatch.setattr(transport, "_tls", lambda: client_tls)
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        # No real DNS query leaves the machine; the connection itself asks for the vetted literal.
        assert host in ("wp.test", "other.test", "127.0.0.1"), host
        asked.append(host)
        return real("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with serve(lambda path: Reply(200, [{"id": 1}]), tls=server_tls) as (base, seen):
        port = base.rsplit(":", 1)[1]
        site, other = f"https://wp.test:{port}", f"https://other.test:{port}"
        http = HttpClient(FetchOptions(retries=0, trusted=(site, other)), sleep=lambda s: None)
        assert http.get(site + "/wp-json/wp/v2/posts").json() == [{"id": 1}]
        assert seen[0].headers["Host"] == f"wp.test:{port}"
        assert asked == ["wp.test", "127.0.0.1"]  # the name resolved once, then the literal
        # The same address under a name the certificate does not carry: refused by TLS.
        with pytest.raises(FetchError, match=r"cannot connect: .*certificate"):
            http.get(other + "/wp-json/wp/v2/posts")
        # And, untrusted, wp.test (127.0.0.1) is refused before any handshake.
        with pytest.raises(FetchError, match=r"refused: wp\.test is a loopback address"):
            HttpClient(FetchOptions(retries=0)).get(site + "/x")
    assert len(seen) == 1
