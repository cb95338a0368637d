"""Outbound fetches: one wall-clock limit for the whole exchange however slowly a server
sends (tested against a local 127.0.0.1 server the test starts, private addresses allowed for
that test only), and 6to4, site-local and other tunnelling IPv6 forms refused before any
connection is attempted."""

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import urllib3

from claims import fetch
from claims.errors import InvalidInput

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 400\r\n\r\n"
BODY = b"The council said repairs to the bridge will cost 48 million pounds. " * 6


class DripServer:
    """A server on 127.0.0.1 that sends `before` at once, then the rest one byte every
    `every` seconds, until the client goes away or the test ends."""

    def __init__(self, before: bytes, rest: bytes, every: float) -> None:
        self.before, self.rest, self.every = before, rest, every
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                try:
                    conn.recv(65536)
                    conn.sendall(self.before)
                    for byte in self.rest:
                        if self.stop.wait(self.every):
                            return
                        conn.sendall(bytes([byte]))
                except OSError:
                    pass  # the client cut the connection: what the test wants

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.listener.close()


@pytest.fixture
def local_only(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    """Private addresses allowed for this test only, and any connection to an address other
    than 127.0.0.1 fails the test."""
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    real = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        if address[0] != "127.0.0.1":
            raise AssertionError(f"a connection to {address!r} was attempted")
        real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def drip_body() -> Iterator[DripServer]:
    server = DripServer(HEAD, BODY[:6], every=2.0)  # then it hangs up (12 s)
    yield server
    server.close()


@pytest.fixture
def drip_headers() -> Iterator[DripServer]:
    server = DripServer(b"", HEAD[:6], every=2.0)
    yield server
    server.close()


def _timed(call: Any) -> tuple[float, InvalidInput]:
    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        call()
    return time.monotonic() - started, refused.value


def test_a_body_sent_one_byte_every_two_seconds_is_cut_at_the_setting(
    local_only: None, drip_body: DripServer, settings: Any
) -> None:
    settings.FACTCHECK_FETCH_TIMEOUT = 3  # above the 2 s between bytes: no read ever times out
    url = f"http://127.0.0.1:{drip_body.port}/slow"
    took, refused = _timed(lambda: fetch.fetch_article(url))
    assert "took longer than 3 s" in refused.message
    assert 2.9 < took < 4.0


def test_headers_sent_one_byte_every_two_seconds_are_cut_too(
    local_only: None, drip_headers: DripServer
) -> None:
    url = f"http://127.0.0.1:{drip_headers.port}/slow"
    took, refused = _timed(lambda: fetch.request("GET", url, timeout=3))
    assert "took longer than 3 s" in refused.message
    assert 2.9 < took < 4.0


def test_a_prompt_server_is_still_read_in_full(local_only: None) -> None:
    server = DripServer(HEAD.replace(b"400", str(len(BODY)).encode()) + BODY, b"", every=0)
    try:
        status, _, data = fetch.request("GET", f"http://127.0.0.1:{server.port}/", timeout=3)
    finally:
        server.close()
    assert status == 200 and data == BODY


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"a connection was attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib3.connection.HTTPConnection, "connect", refuse)


@pytest.mark.parametrize(
    "address",
    [
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2002:808:808::1",  # 6to4 even of a public address: a tunnel, refused as a form
        "fec0::1",  # site-local
        "fec0::7f00:1",
        "feff::1",  # the top of fec0::/10
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b:1::a00:1",  # local-use NAT64
        "::7f00:1",  # IPv4-compatible 127.0.0.1
    ],
)
def test_tunnelling_and_site_local_ipv6_forms_are_refused_before_connecting(
    address: str, no_connections: None, settings: Any
) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = False
    with pytest.raises(fetch.UnsafeURL, match="Refused"):
        fetch.check_address(address)
    with pytest.raises(fetch.UnsafeURL, match="Refused"):
        fetch.request("GET", f"http://[{address}]/")


def test_a_public_ipv6_address_is_still_allowed(no_connections: None, settings: Any) -> None:
    settings.FACTCHECK_ALLOW_PRIVATE_URLS = False
    fetch.check_address("2606:4700:4700::1111")
    fetch.check_address("2a00:1450:4009:81f::200e")
