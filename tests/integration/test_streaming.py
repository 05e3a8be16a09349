"""A PROPFIND Depth 1 on a collection of 10,000 members is streamed: the
server writes it page by page to a chunked response, and its memory stays
flat (DESIGN.md "Request flow" step 4). This checks memory, not speed."""

import re
import time

import pytest
import requests

from almanac_harness import Server

MEMBERS = 10_000
# Every member carries a 1 KiB dead property, so the response (~15 MB) is far
# larger than any growth we allow: a server that built it in memory would fail.
PAD = "x" * 1024
ALLOWED_GROWTH = 8 * 1024 * 1024


def peak_rss(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1)) * 1024


def seed(server, user, collection, count):
    """Test setup straight into the tables (10,000 PUTs would test PUT, not
    PROPFIND): members of /files/<user>/<collection> with a dead property."""
    base = f"/files/{user}/{collection}"
    server.psql(f"""
        INSERT INTO resources (owner_id, parent_id, path, name, kind, is_collection, content,
                               content_type, etag, size)
        SELECT c.owner_id, c.id, c.path || '/member-' || g, 'member-' || g, 'file', false,
               convert_to('body ' || g, 'UTF8'), 'text/plain', md5(g::text), 6
        FROM resources c, generate_series(1, {count}) g WHERE c.path = '{base}';
        INSERT INTO dead_properties (resource_id, namespace, name, xml)
        SELECT r.id, 'urn:x-test', 'pad', '<pad xmlns="urn:x-test">{PAD}</pad>'
        FROM resources r WHERE r.path >= '{base}/' AND r.path < '{base}0';""")


@pytest.fixture(scope="module")
def big(request):
    server = Server().start()
    user, password = server.add_user()
    client = server.client(user, password)
    for name, count in (("small", 1000), ("large", MEMBERS)):
        assert client.request("MKCOL", client.files(name + "/")).status_code == 201
        seed(server, user, name, count)
    yield server, client
    server.cleanup()


def propfind_streamed(client, path):
    """Reads the response as it arrives, in small pieces, and counts the
    <response> elements; returns (count, bytes, headers)."""
    body = ('<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/>'
            '<D:include><t:pad xmlns:t="urn:x-test"/></D:include></D:propfind>')
    r = client.session.request("PROPFIND", client.server.url(path), data=body,
                               headers={"Depth": "1", "Accept-Encoding": "identity"},
                               stream=True, timeout=300)
    assert r.status_code == 207
    total = 0
    responses = 0
    tail = b""
    for piece in r.iter_content(chunk_size=16384):
        total += len(piece)
        data = tail + piece
        responses += data.count(b"<D:response>")
        tail = data[-12:]
        responses -= tail.count(b"<D:response>")
    responses += tail.count(b"<D:response>")
    return responses, total, r.headers


def test_depth1_on_10000_members_is_streamed_with_flat_memory(big):
    server, client = big
    # Warm up: the first requests grow pools and caches once.
    for _ in range(3):
        count, _, _ = propfind_streamed(client, client.files("small/"))
        assert count == 1001
    before = peak_rss(server.pid())

    count, size, headers = propfind_streamed(client, client.files("large/"))
    assert count == MEMBERS + 1
    assert headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in headers
    assert size > 2 * ALLOWED_GROWTH, size  # the response dwarfs the memory we allow

    growth = peak_rss(server.pid()) - before
    assert growth < ALLOWED_GROWTH, f"peak RSS grew by {growth / 1e6:.1f} MB for a {size / 1e6:.1f} MB response"


def read_chunks(server, user, password, path):
    """Sends PROPFIND Depth 1 on a raw socket and returns the sizes of the
    HTTP chunks of the response body, as framed on the wire."""
    import base64
    import socket
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    body = b'<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>'
    request = (f"PROPFIND {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nDepth: 1\r\n"
               f"Authorization: Basic {token}\r\nContent-Length: {len(body)}\r\n"
               f"Connection: close\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", server.port), timeout=120) as sock:
        sock.sendall(request)
        data = b""
        while True:
            piece = sock.recv(65536)
            if not piece:
                break
            data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head, head
    sizes = []
    while True:
        line, _, rest = rest.partition(b"\r\n")
        size = int(line.split(b";")[0], 16)
        if size == 0:
            return sizes
        sizes.append(size)
        rest = rest[size + 2:]


def test_the_response_leaves_page_by_page(big):
    """The body goes out in many chunks (one or more per page of 500 rows),
    not as one block assembled at the end."""
    server, client = big
    sizes = read_chunks(server, client.user, "secret-pw", client.files("large/"))
    assert len(sizes) >= MEMBERS // 500, sizes[:10]
    assert max(sizes) < sum(sizes) / 4
