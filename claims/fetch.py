"""Outbound HTTP that untrusted input can steer (article URLs, webhook URLs), made safe.

Every request resolves the host first, checks every address it resolves to, and refuses
private, loopback, link-local, multicast and reserved addresses before any connection is
attempted (unless FACTCHECK_ALLOW_PRIVATE_URLS is on, e.g. for a CMS on the same network).
It then connects to the address it checked, so a second DNS answer cannot redirect it;
redirects are followed by hand, each hop checked the same way. Sizes are bounded, and the
whole exchange has one wall-clock limit however slowly the server sends.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

from claims.errors import InvalidInput
from claims.ingest import ArticleText, article_text_from_string, check_size

USER_AGENT = "Factcheck/0.1 (newsroom fact-checking desk)"
MAX_REDIRECTS = 3


class UnsafeURL(InvalidInput):
    """A URL that points where the server must not go."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: str
    path: str


def _allow_private() -> bool:
    return settings.FACTCHECK_ALLOW_PRIVATE_URLS


# IPv6 forms that tunnel to or embed another address, or that Python's is_global lets through
# (which ones differs between Python versions), refused by name: 6to4 (2002::/16, e.g.
# 2002:7f00:1:: is 127.0.0.1), site-local (fec0::/10, deprecated, routed inside a site),
# Teredo, NAT64 (well-known and local-use prefixes) and IPv4-compatible (::a.b.c.d).
REFUSED_IPV6 = tuple(
    ipaddress.IPv6Network(net)
    for net in ("2002::/16", "fec0::/10", "2001::/32", "64:ff9b::/96", "64:ff9b:1::/48", "::/96")
)


def check_address(address: str) -> None:
    """Refuse (raise UnsafeURL) an address the server must not connect to."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if _allow_private():
        return
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in net for net in REFUSED_IPV6):
        raise UnsafeURL(
            f"Refused: the address {ip} is a 6to4, site-local, Teredo, NAT64 or "
            "IPv4-compatible form (set FACTCHECK_ALLOW_PRIVATE_URLS to allow it)."
        )
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        raise UnsafeURL(
            f"Refused: the address {ip} is private, loopback, link-local or reserved "
            "(set FACTCHECK_ALLOW_PRIVATE_URLS to allow it)."
        )


def resolve(url: str) -> Target:
    """Check a URL and resolve it to one vetted address, without connecting anywhere."""
    if not settings.FACTCHECK_FETCH_ENABLED:
        raise UnsafeURL("Fetching addresses is switched off here (FACTCHECK_FETCH_ENABLED).")
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        raise UnsafeURL(
            f"Only http and https addresses can be fetched, not {parts.scheme or 'this'}."
        )
    if not parts.hostname:
        raise UnsafeURL("The address has no host name.")
    if parts.username or parts.password:
        raise UnsafeURL("Addresses with a user name or password are refused.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeURL("The address has an invalid port.") from None
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise InvalidInput(f"The host {host!r} could not be found.") from None
    addresses = sorted({str(info[4][0]) for info in infos})
    if not addresses:
        raise InvalidInput(f"The host {host!r} could not be found.")
    for address in addresses:
        check_address(address)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, addresses[0], path)


def _pool(target: Target, timeout: float) -> urllib3.HTTPConnectionPool:
    timeouts = urllib3.Timeout(connect=min(5.0, timeout), read=timeout)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeouts,
            retries=False,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeouts, retries=False)


def _host_header(target: Target) -> str:
    default = 443 if target.scheme == "https" else 80
    return target.host if target.port == default else f"{target.host}:{target.port}"


class _Deadline:
    """Cuts a connection when the request's total time is up, whatever the server does (a
    server sending a byte just before each read timeout would otherwise hold it for ever)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._timer: threading.Timer | None = None

    def remaining(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            self.expired = True
            raise self.error()
        return left

    def error(self) -> InvalidInput:
        return InvalidInput(
            f"The address took longer than {self.seconds:g} s to answer in full; stopped."
        )

    def guard(self, connection: Any) -> None:
        """Shut the connection's socket down when the time is up (a blocked read returns)."""
        self.cancel()

        def cut() -> None:
            self.expired = True
            sock = getattr(connection, "sock", None)
            if sock is not None:
                # socket.socket's own shutdown, also for TLS: it unblocks a reader in
                # another thread without tearing down the TLS object under it.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

        self._timer = threading.Timer(self.remaining(), cut)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
    max_bytes: int = 1024 * 1024,
    follow_redirects: bool = False,
) -> tuple[int, dict[str, str], bytes]:
    """One checked request; returns (status, headers, body), the body cut off at max_bytes.

    `timeout` bounds the whole exchange, redirects included: connecting, sending, the
    headers and the body, however slowly the server sends them."""
    deadline = _Deadline(timeout)
    for _ in range(MAX_REDIRECTS + 1):
        target = resolve(url)
        all_headers = {"Host": _host_header(target), "User-Agent": USER_AGENT, **(headers or {})}
        pool = _pool(target, deadline.remaining())
        try:
            # Connect first, so the deadline can watch this connection's socket.
            connection = pool._get_conn()
            deadline.guard(connection)
            connection.connect()
            pool._put_conn(connection)
            response = pool.urlopen(
                method,
                target.path,
                body=body,
                headers=all_headers,
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
            data = response.read(max_bytes + 1, decode_content=True)
            response.release_conn()
        except Exception as exc:
            if deadline.expired:
                raise deadline.error() from exc
            if isinstance(exc, urllib3.exceptions.HTTPError | OSError):
                raise InvalidInput(
                    f"Could not reach {target.host}: {exc.__class__.__name__}."
                ) from exc
            raise
        finally:
            deadline.cancel()
            pool.close()
        if deadline.expired:  # the cut can also look like a body that simply ended
            raise deadline.error()
        if follow_redirects and response.status in {301, 302, 303, 307, 308}:
            location = response.headers.get("Location")
            if not location:
                break
            url = urljoin(url, location)
            method, body = ("GET", None) if response.status == 303 else (method, body)
            continue
        if len(data) > max_bytes:
            check_size(len(data))
            raise InvalidInput(f"The response from {target.host} is larger than allowed.")
        return response.status, dict(response.headers), data
    raise InvalidInput("Too many redirects.")


def fetch_article(url: str) -> ArticleText:
    """Fetch a page and extract its main text (trafilatura), bounded in size and time."""
    limit = int(settings.FACTCHECK_MAX_ARTICLE_BYTES)
    status, headers, data = request(
        "GET",
        url,
        timeout=settings.FACTCHECK_FETCH_TIMEOUT,
        max_bytes=limit,
        follow_redirects=True,
        headers={"Accept": "text/html,text/plain;q=0.9"},
    )
    if status != 200:
        raise InvalidInput(f"The page answered HTTP {status}, not 200.")
    content_type = headers.get("Content-Type", headers.get("content-type", "")).lower()
    if content_type and not content_type.startswith(
        ("text/html", "text/plain", "application/xhtml")
    ):
        raise InvalidInput(f"The page is {content_type.split(';')[0]}, not HTML or text.")
    charset = "utf-8"
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
    try:
        text = data.decode(charset, errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    kind = "text/plain" if content_type.startswith("text/plain") else "text/html"
    return article_text_from_string(text, content_type=kind)
