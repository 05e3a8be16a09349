"""The HTTP layer of the real server (server/http): body limits, keep-alive
safety, Expect: 100-continue, gzip, request ids and the access log, Basic
auth with throttling and the credential cache, the thread pool, graceful
shutdown and the handling of malformed requests.

Most checks use a raw socket with hand-written HTTP/1.1 so that what goes
over the wire (and what comes back on the same connection) is exactly what
the test says."""

import base64
import gzip
import os
import re
import signal
import socket
import threading
import time
import http.client
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from lxml import etree

from almanac_harness import (NS, Server, parse_multistatus, postgres_processes, unique_name,
                             wait_until)

ALLPROP = b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
ACCESS_LINE = re.compile(
    r'^\S+ access (?P<addr>\S+) (?P<account>\S+) "(?P<method>\S+) (?P<target>[^"]*)" '
    r'(?P<status>\d{3}) (?P<bytes>\d+) (?P<duration>\d+\.\d)ms id=(?P<id>[0-9a-f]+) '
    r'ua="(?P<ua>(?:[^"\\]|\\.)*)"')


# ----------------------------------------------------------------- helpers

def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def raw_request(method, target, headers=(), body=b"", content_length=True):
    """Bytes of one HTTP/1.1 request; `headers` is a list of (name, value)."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body and content_length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(data, size=8192):
    out = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size])
                   for i in range(0, len(data), size))
    return out + b"0\r\n\r\n"


class RawResponse:
    def __init__(self, status, reason, headers, body):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def __repr__(self):
        return f"<{self.status} {self.reason} {self.headers} {self.body[:200]!r}>"


class RawConnection:
    """One client socket on 127.0.0.1 with a small HTTP/1.1 response parser.
    Every read is bounded by the socket timeout."""

    def __init__(self, port, timeout=10.0, rcvbuf=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        self.buffer = b""
        self.pace = 0.0  # seconds to sleep before each recv (a slow reader)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def send_in_background(self, data):
        """sendall in a thread: the server may stop reading (and reset the
        connection) before all of `data` went out."""
        def run():
            try:
                self.sock.sendall(data)
            except OSError:
                pass
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def _more(self):
        if self.pace:
            time.sleep(self.pace)
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("the server closed the connection")
        self.buffer += data

    def _line(self):
        while b"\r\n" not in self.buffer:
            self._more()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _take(self, count):
        while len(self.buffer) < count:
            self._more()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def read_head(self):
        status_line = self._line().decode("latin-1")
        match = re.match(r"^HTTP/1\.[01] (\d{3}) ?(.*)$", status_line)
        assert match, f"not an HTTP status line: {status_line!r} (buffer {self.buffer[:200]!r})"
        headers = {}
        while True:
            line = self._line().decode("latin-1")
            if not line:
                break
            name, _, value = line.partition(":")
            key = name.strip().lower()
            headers[key] = (headers[key] + ", " if key in headers else "") + value.strip()
        return int(match.group(1)), match.group(2), headers

    def read_body(self, method, status, headers):
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return b""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = bytearray()
            while True:
                size = int(self._line().split(b";")[0].strip(), 16)
                if size == 0:
                    while self._line():  # trailers
                        pass
                    return bytes(body)
                body += self._take(size)
                assert self._take(2) == b"\r\n", "bad chunk framing"
        if "content-length" in headers:
            return self._take(int(headers["content-length"]))
        body = bytearray(self.buffer)  # no length: the body ends with the connection
        self.buffer = b""
        while True:
            data = self.sock.recv(65536)
            if not data:
                return bytes(body)
            body += data

    def read_response(self, method="GET", interim=False):
        """The next response; 1xx interim responses are skipped unless
        `interim`."""
        while True:
            status, reason, headers = self.read_head()
            if 100 <= status < 200 and not interim:
                continue
            return RawResponse(status, reason, headers, self.read_body(method, status, headers))

    def request(self, method, target, headers=(), body=b""):
        self.send(raw_request(method, target, headers, body))
        return self.read_response(method)

    def closed_within(self, timeout):
        """True when the server closes the connection (EOF or reset) within
        `timeout` seconds without sending anything more; otherwise what it
        sent (or False when it sent nothing and kept the connection open)."""
        if self.buffer:
            return self.buffer
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True
        return True if not data else data


def access_lines(server):
    with open(server.stdout_path, errors="replace") as f:
        return [line.rstrip("\n") for line in f if " access " in line]


def lines_with_id(server, request_id):
    return [line for line in access_lines(server) if f" id={request_id} " in line]


def wait_for_access_line(server, request_id, timeout=5):
    return wait_until(lambda: lines_with_id(server, request_id), timeout, 0.05)


def server_output(server):
    text = ""
    for path in (server.stdout_path, server.stderr_path):
        with open(path, errors="replace") as f:
            text += f.read()
    return text


def start_server(*extra_args, **kwargs):
    return Server(extra_args=list(extra_args), **kwargs).start()


def stop_server(server):
    code = server.stop()
    server.cleanup()
    return code


@pytest.fixture(scope="module")
def srv():
    """A server of this module, whose failed-login limits are out of reach:
    several tests here fail logins on purpose."""
    server = Server(extra_args=["--login-failures-per-address", "1000000",
                                "--login-failures-per-account", "1000000"])
    try:
        server.start()
        yield server
        assert server.stop() == 0, "almanac did not exit cleanly on SIGTERM"
    finally:
        server.cleanup()


@pytest.fixture
def account(srv):
    name, password = srv.add_user(password="pw-" + unique_name(""))
    return name, password


# ------------------------------------------------------------ body limits

@pytest.fixture(scope="module")
def limited():
    server = Server(extra_args=["--max-request-body", "1K", "--max-file-size", "64K"])
    try:
        server.start()
        yield server
        assert server.stop() == 0
    finally:
        server.cleanup()


@pytest.fixture
def limited_account(limited):
    return limited.add_user()


def padded_propfind(size):
    head = b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind><!--'
    tail = b"-->"
    return head + b"x" * (size - len(head) - len(tail)) + tail


def test_propfind_body_over_max_request_body_gets_413(limited, limited_account):
    user, password = limited_account
    home = f"/dav/files/{user}/"
    auth = ("Authorization", basic(user, password))
    with RawConnection(limited.port) as conn:
        small = padded_propfind(900)
        r = conn.request("PROPFIND", home, [auth, ("Depth", "0")], small)
        assert r.status == 207, r  # below the limit: served
    with RawConnection(limited.port) as conn:
        body = padded_propfind(2048)
        conn.send(raw_request("PROPFIND", home, [auth, ("Depth", "0")], body))
        r = conn.read_response("PROPFIND")
        assert r.status == 413, r
        assert r.header("x-request-id")
        # The body stays unread: the connection must end, not be reused.
        assert r.header("connection", "").lower() == "close", r
        assert conn.closed_within(5) is True


def put_file_status(server, user, password, name, data, use_chunked=False):
    headers = [("Authorization", basic(user, password)), ("Content-Type", "application/octet-stream")]
    with RawConnection(server.port) as conn:
        if use_chunked:
            headers.append(("Transfer-Encoding", "chunked"))
            sender = conn.send_in_background(raw_request("PUT", f"/dav/files/{user}/{name}", headers,
                                                         chunked(data), content_length=False))
        else:
            sender = conn.send_in_background(raw_request("PUT", f"/dav/files/{user}/{name}",
                                                         headers, data))
        response = conn.read_response("PUT")
        sender.join(10)
        if response.status == 413:
            # The body stays unread: the server must not keep the connection.
            assert response.header("connection", "").lower() == "close", response
            assert conn.closed_within(5) is True
        return response


def assert_not_stored(server, user, password, name):
    client = server.client(user, password)
    assert client.request("GET", client.files(name)).status_code == 404
    listing = parse_multistatus(client.propfind(client.files(), depth="1"))
    assert not [href for href in listing if href.endswith("/" + name)], listing.keys()


def test_put_over_max_file_size_gets_413_and_stores_nothing(limited, limited_account):
    user, password = limited_account
    r = put_file_status(limited, user, password, "big.bin", os.urandom(100 * 1024))
    assert r.status == 413, r
    assert_not_stored(limited, user, password, "big.bin")


def test_chunked_put_over_max_file_size_gets_413_and_stores_nothing(limited, limited_account):
    user, password = limited_account
    r = put_file_status(limited, user, password, "big-chunked.bin", os.urandom(100 * 1024),
                        use_chunked=True)
    assert r.status == 413, r
    assert_not_stored(limited, user, password, "big-chunked.bin")


@pytest.mark.parametrize("use_chunked", [False, True], ids=["content-length", "chunked"])
def test_put_below_max_file_size_is_stored(limited, limited_account, use_chunked):
    user, password = limited_account
    data = os.urandom(60 * 1024)
    r = put_file_status(limited, user, password, "ok.bin", data, use_chunked=use_chunked)
    assert r.status in (201, 204), r
    client = limited.client(user, password)
    got = client.request("GET", client.files("ok.bin"))
    assert got.status_code == 200 and got.content == data


# ------------------------------------------------------ keep-alive safety

SMUGGLED = "/smuggled-" + unique_name("")


@pytest.mark.parametrize("refusal", ["wrong-password", "not-found", "bad-path"])
@pytest.mark.parametrize("body", [b"0123456789",
                                  f"GET {SMUGGLED} HTTP/1.1\r\nHost: x\r\n\r\n".encode()],
                         ids=["digits", "request-like"])
def test_small_refused_body_is_drained_on_keep_alive(srv, account, refusal, body):
    """STACK_NOTES §2 pitfall 1: a request refused before its body was read
    must not leave the body to be parsed as the next request."""
    user, password = account
    if refusal == "wrong-password":
        first = raw_request("PUT", f"/dav/files/{user}/x.txt",
                            [("Authorization", basic(user, "wrong-" + password))], body)
        expected = 401
    elif refusal == "not-found":
        first = raw_request("PUT", "/no-such-place/x.txt", [], body)
        expected = 404
    else:
        first = raw_request("PUT", f"/dav/files/{user}/%zz.txt",
                            [("Authorization", basic(user, password))], body)
        expected = 400
    with RawConnection(srv.port) as conn:
        conn.send(first)
        r1 = conn.read_response("PUT")
        assert r1.status == expected, r1
        assert r1.header("connection", "").lower() != "close", "a small body should be drained"
        r2 = conn.request("PROPFIND", f"/dav/files/{user}/",
                          [("Authorization", basic(user, password)), ("Depth", "0")], ALLPROP)
        assert r2.status == 207, r2
        hrefs = etree.fromstring(r2.body).xpath("//D:href/text()", namespaces=NS)
        assert hrefs == [f"/dav/files/{user}/"]
        # Nothing else arrives: no answer to a "request" made of body bytes.
        assert conn.closed_within(0.5) is False
    time.sleep(0.2)
    assert not [line for line in access_lines(srv) if SMUGGLED in line or "0123456789" in line]


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_large_refused_body_closes_the_connection(srv, account, framing):
    user, password = account
    body = f"GET {SMUGGLED} HTTP/1.1\r\nHost: x\r\n\r\n".encode() * 6000  # ~250 KB
    headers = [("Authorization", basic(user, "wrong-" + password))]
    if framing == "chunked":
        data = raw_request("PUT", f"/dav/files/{user}/big.txt",
                           headers + [("Transfer-Encoding", "chunked")], chunked(body),
                           content_length=False)
    else:
        data = raw_request("PUT", f"/dav/files/{user}/big.txt", headers, body)
    with RawConnection(srv.port) as conn:
        sender = conn.send_in_background(data)
        r = conn.read_response("PUT")
        assert r.status == 401, r
        assert r.header("connection", "").lower() == "close", r
        # Then EOF (or a reset): never a second, garbled response.
        assert conn.closed_within(5) is True
        sender.join(10)
    time.sleep(0.2)
    assert not [line for line in access_lines(srv) if SMUGGLED in line]
    # The server keeps serving.
    with RawConnection(srv.port) as conn:
        r = conn.request("PROPFIND", f"/dav/files/{user}/",
                         [("Authorization", basic(user, password)), ("Depth", "0")], ALLPROP)
        assert r.status == 207


@pytest.mark.parametrize("method", ["PROPFIND", "MKCOL", "MOVE", "DELETE"])
def test_bodyless_request_without_content_length_does_not_hang(srv, account, method):
    """STACK_NOTES §2 pitfall 2: neither Content-Length nor chunked means no
    body; reading one would wait for the client to close."""
    user, password = account
    auth = ("Authorization", basic(user, password))
    home = f"/dav/files/{user}/"
    headers = [auth]
    target, expected = home + "coll-nolen/", 201
    if method == "PROPFIND":
        target, expected = home, 207
        headers.append(("Depth", "0"))
    elif method == "MOVE":
        headers.append(("Destination", srv.url(home + "coll-moved/")))
    elif method == "DELETE":
        expected = 204
    with RawConnection(srv.port, timeout=5) as conn:
        if method in ("MOVE", "DELETE"):
            assert conn.request("MKCOL", target, [auth]).status == 201
        started = time.time()
        conn.send(raw_request(method, target, headers))
        r = conn.read_response(method)  # a hang would time out after 5 s
        assert time.time() - started < 3
        assert r.status == expected, r
        # The connection stays usable.
        r2 = conn.request("PROPFIND", home, [auth, ("Depth", "0")], ALLPROP)
        assert r2.status == 207


def test_expect_100_continue_put(srv, account):
    user, password = account
    data = b"expect-continue body\n" * 100
    with RawConnection(srv.port, timeout=5) as conn:
        conn.send(raw_request("PUT", f"/dav/files/{user}/expect.txt",
                              [("Authorization", basic(user, password)),
                               ("Expect", "100-continue"),
                               ("Content-Length", str(len(data)))], content_length=False))
        interim = conn.read_response("PUT", interim=True)
        assert interim.status == 100, interim
        conn.send(data)
        final = conn.read_response("PUT")
        assert final.status == 201, final
        # Same connection: the stored bytes.
        got = conn.request("GET", f"/dav/files/{user}/expect.txt",
                           [("Authorization", basic(user, password))])
        assert got.status == 200 and got.body == data


# -------------------------------------------------------------------- gzip

def test_propfind_gzip_only_when_accepted(srv, account):
    user, password = account
    client = srv.client(user, password)
    for index in range(30):
        assert client.request("PUT", client.files(f"g{index:02d}.txt"), b"x").status_code == 201
    auth = ("Authorization", basic(user, password))
    expected = {f"/dav/files/{user}/"} | {f"/dav/files/{user}/g{i:02d}.txt" for i in range(30)}
    with RawConnection(srv.port) as conn:
        r = conn.request("PROPFIND", f"/dav/files/{user}/",
                         [auth, ("Depth", "1"), ("Accept-Encoding", "gzip")], ALLPROP)
        assert r.status == 207, r
        assert r.header("content-encoding") == "gzip", r.headers
        assert "chunked" in r.header("transfer-encoding", ""), r.headers
        assert "Accept-Encoding" in r.header("vary", "")
        xml = gzip.decompress(r.body)
        root = etree.fromstring(xml)
        assert root.tag == "{DAV:}multistatus"
        assert set(root.xpath("/D:multistatus/D:response/D:href/text()", namespaces=NS)) == expected
        for accept in (None, "identity", "gzip;q=0"):
            headers = [auth, ("Depth", "1")] + ([("Accept-Encoding", accept)] if accept else [])
            plain = conn.request("PROPFIND", f"/dav/files/{user}/", headers, ALLPROP)
            assert plain.status == 207
            assert plain.header("content-encoding") is None, (accept, plain.headers)
            assert etree.fromstring(plain.body).xpath(
                "count(/D:multistatus/D:response)", namespaces=NS) == len(expected)


# ------------------------------------------- request id and the access log

def test_every_response_has_a_request_id_logged_once(srv, account):
    user, password = account
    agent = "almanac-log-test/" + unique_name("")
    session = requests.Session()
    session.headers.update({"User-Agent": agent, "Accept-Encoding": "identity"})
    good = (user, password)
    bad = (user, "wrong-" + password)
    home = f"/dav/files/{user}/"
    steps = [
        ("GET", "/.well-known/caldav", None, None, {}, 301),
        ("GET", "/", None, None, {}, 200),
        ("GET", "/nothing-here", None, None, {}, 404),
        ("PROPFIND", home, None, ALLPROP, {"Depth": "0"}, 401),
        ("PROPFIND", home, bad, ALLPROP, {"Depth": "0"}, 401),
        ("PROPFIND", home, good, ALLPROP, {"Depth": "1"}, 207),
        ("PUT", home + "log.txt", good, b"hello log", {}, 201),
        ("GET", home + "log.txt", good, None, {}, 200),
        ("GET", home + "missing.txt", good, None, {}, 404),
        ("GET", home + "a%2Fb", good, None, {}, 400),
        ("DELETE", home + "log.txt", good, None, {}, 204),
        ("OPTIONS", home, None, None, {}, 200),
    ]
    seen = []
    for method, path, auth, body, headers, status in steps:
        r = session.request(method, srv.url(path), auth=auth, data=body, headers=headers,
                            allow_redirects=False, timeout=30)
        assert r.status_code == status, (method, path, r.status_code, r.text[:300])
        request_id = r.headers.get("X-Request-Id")
        assert request_id and re.fullmatch(r"[0-9a-f]{16}", request_id), (method, path, r.headers)
        seen.append((method, path, auth, r.status_code, len(r.content), request_id))
    assert len({entry[-1] for entry in seen}) == len(seen), "request ids must be unique"

    for method, path, auth, status, size, request_id in seen:
        lines = wait_for_access_line(srv, request_id)
        assert len(lines) == 1, (request_id, lines)
        match = ACCESS_LINE.match(lines[0])
        assert match, lines[0]
        assert match["method"] == method and match["target"] == path, lines[0]
        assert int(match["status"]) == status, lines[0]
        assert int(match["bytes"]) == size, (lines[0], size)
        assert float(match["duration"]) >= 0
        assert match["ua"] == agent, lines[0]
        assert match["addr"] == "127.0.0.1"
        if auth == good and status < 400:
            assert match["account"] == f'"{user}"', lines[0]
    # One line per request: no other line carries this user agent.
    assert len([line for line in access_lines(srv) if f'ua="{agent}"' in line]) == len(steps)


def test_credentials_never_reach_the_logs(srv):
    user = unique_name("secret")
    password = "Sekr3t-Pa55-" + unique_name("")
    wrong = "Wr0ng-Pa55-" + unique_name("")
    srv.add_user(user, password)
    home = f"/dav/files/{user}/"
    secrets = [password, wrong]
    for candidate in (f"{user}:{password}", f"{user}:{wrong}", f"nobody-{user}:{password}"):
        secrets.append(base64.b64encode(candidate.encode()).decode())
    with RawConnection(srv.port) as conn:
        for name, pw, status in ((user, password, 207), (user, wrong, 401),
                                 (f"nobody-{user}", password, 401), (user, password, 207)):
            r = conn.request("PROPFIND", home, [("Authorization", basic(name, pw)),
                                                ("Depth", "0")], ALLPROP)
            assert r.status == status
        r = conn.request("PUT", home + "s.txt", [("Authorization", basic(user, password))], b"s")
        assert r.status == 201
        r = conn.request("PUT", home + "t.txt", [("Authorization", basic(user, wrong))], b"t")
        assert r.status == 401
        request_id = r.header("x-request-id")
    wait_for_access_line(srv, request_id)
    text = server_output(srv)
    assert user in text  # the log is there (the account name is fine to log)
    for secret in secrets:
        assert secret not in text, f"{secret!r} appears in the server output"


# --------------------------------------------------------- authentication

def test_401_announces_basic_realm(srv, account):
    user, password = account
    for auth in (None, (user, "wrong-" + password), ("no-such-user-" + user, password)):
        r = requests.request("PROPFIND", srv.url(f"/dav/files/{user}/"), auth=auth,
                             headers={"Depth": "0"}, timeout=30)
        assert r.status_code == 401
        challenge = r.headers.get("WWW-Authenticate", "")
        assert re.match(r'^Basic realm="Almanac"(\s*,|$)', challenge), challenge
    r = requests.request("PROPFIND", srv.url(f"/dav/files/{user}/"), auth=(user, password),
                         headers={"Depth": "0"}, timeout=30)
    assert r.status_code == 207 and "WWW-Authenticate" not in r.headers


def propfind_status(server, user, password):
    r = requests.request("PROPFIND", server.url(f"/dav/files/{user}/"), auth=(user, password),
                         headers={"Depth": "0"}, timeout=30)
    return r


def assert_throttled(response):
    assert response.status_code == 429, (response.status_code, response.text)
    retry = response.headers.get("Retry-After", "")
    assert retry.isdigit() and 1 <= int(retry) <= 60, response.headers
    assert response.headers.get("X-Request-Id")


def test_failed_logins_are_throttled_per_account():
    server = Server(extra_args=["--login-failures-per-account", "3", "--login-window", "1m"])
    try:
        server.start()
        alice, alice_pw = server.add_user()
        bob, bob_pw = server.add_user()
        assert propfind_status(server, alice, alice_pw).status_code == 207  # now cached
        for _ in range(3):
            assert propfind_status(server, alice, "wrong").status_code == 401
        # The 4th attempt is refused whatever the password, cached or not.
        assert_throttled(propfind_status(server, alice, alice_pw))
        assert_throttled(propfind_status(server, alice, "wrong"))
        # Another account from the same address is not affected.
        assert propfind_status(server, bob, bob_pw).status_code == 207
        assert propfind_status(server, bob, "wrong").status_code == 401
        assert propfind_status(server, bob, bob_pw).status_code == 207
        assert_throttled(propfind_status(server, alice, alice_pw))
    finally:
        server.cleanup()


def test_failed_logins_are_throttled_per_address():
    server = Server(extra_args=["--login-failures-per-account", "100",
                                "--login-failures-per-address", "4", "--login-window", "1m"])
    try:
        server.start()
        alice, _ = server.add_user()
        bob, bob_pw = server.add_user()
        carol, carol_pw = server.add_user()
        assert propfind_status(server, alice, "wrong").status_code == 401
        assert propfind_status(server, "no-such-" + alice, "wrong").status_code == 401
        assert propfind_status(server, carol, "wrong").status_code == 401
        assert propfind_status(server, bob, bob_pw).status_code == 207  # 3 of 4: still fine
        assert propfind_status(server, carol, "wrong").status_code == 401
        # 4 failures from 127.0.0.1: every account is refused from there now.
        assert_throttled(propfind_status(server, bob, bob_pw))
        assert_throttled(propfind_status(server, carol, carol_pw))
        assert_throttled(propfind_status(server, "admin", "admin-pw"))
    finally:
        server.cleanup()


def test_password_change_through_cli_reaches_running_server_within_cache_ttl():
    ttl = 2.0
    server = Server(extra_args=["--auth-cache-ttl", "2s"])
    try:
        server.start()
        user, old = server.add_user(password="old-" + unique_name(""))
        new = "new-" + unique_name("")
        assert propfind_status(server, user, old).status_code == 207  # cached now
        result = server.cli("user", "passwd", user, input=new + "\n")  # password on stdin
        assert "password changed" in result.stdout
        changed = time.time()
        refused_at = None
        while time.time() - changed < ttl + 5:
            status = propfind_status(server, user, old).status_code
            if status == 401:
                refused_at = time.time()
                break
            assert status == 207
            time.sleep(0.2)
        assert refused_at is not None, "the old password still works 5 s after auth_cache_ttl"
        assert refused_at - changed <= ttl + 1.0, refused_at - changed
        assert propfind_status(server, user, old).status_code == 401
        assert propfind_status(server, user, new).status_code == 207
        assert server.stop() == 0
    finally:
        server.cleanup()


# ------------------------------------------------------------- thread pool

def test_more_keep_alive_connections_than_threads_all_get_answers():
    server = Server(extra_args=["--threads", "4"])
    try:
        server.start()
        user, password = server.add_user()
        client = server.client(user, password)
        connections = 8
        for index in range(connections):
            assert client.request("PUT", client.files(f"conn-{index}.txt"),
                                  f"connection {index}\n".encode()).status_code == 201
        auth = {"Authorization": basic(user, password)}
        started = time.time()
        deadline = started + 2.0

        def worker(index):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            results = {"ok": 0, "first": None, "errors": []}
            try:
                conn.connect()
                sock = conn.sock
                while True:
                    if results["ok"] % 5 == 4:
                        conn.request("PROPFIND", f"/dav/files/{user}/conn-{index}.txt", ALLPROP,
                                     dict(auth, Depth="0"))
                        r = conn.getresponse()
                        body = r.read()
                        hrefs = etree.fromstring(body).xpath("//D:href/text()", namespaces=NS)
                        good = r.status == 207 and hrefs == [f"/dav/files/{user}/conn-{index}.txt"]
                    else:
                        conn.request("GET", f"/dav/files/{user}/conn-{index}.txt", headers=auth)
                        r = conn.getresponse()
                        body = r.read()
                        good = r.status == 200 and body == f"connection {index}\n".encode()
                    if not good:
                        results["errors"].append((r.status, body[:200]))
                        break
                    if conn.sock is not sock or r.will_close:
                        results["errors"].append("the keep-alive connection was closed")
                        break
                    results["ok"] += 1
                    if results["first"] is None:
                        results["first"] = time.time() - started
                    if time.time() >= deadline:
                        break
            except Exception as error:  # noqa: BLE001 - reported below
                results["errors"].append(repr(error))
            finally:
                conn.close()
            return results

        with ThreadPoolExecutor(connections) as pool:
            futures = [pool.submit(worker, index) for index in range(connections)]
            results = [future.result(timeout=60) for future in futures]
        for index, result in enumerate(results):
            assert not result["errors"], (index, result)
            assert result["ok"] >= 1, (index, result)
        assert time.time() - started < 45
        assert server.stop() == 0
    finally:
        server.cleanup()


# ------------------------------------------------------- graceful shutdown

def test_sigterm_finishes_in_flight_response_then_stops_postgres():
    server = Server(extra_args=["--keepalive-timeout", "60s"])
    try:
        server.start()
        user, password = server.add_user()
        client = server.client(user, password)
        assert client.request("MKCOL", client.files("many/")).status_code == 201
        members = 400
        padding = "p" * 10000  # a dead property per member: ~4 MB of multistatus
        proppatch = ('<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:T="urn:x-test">'
                     f'<D:set><D:prop><T:padding>{padding}</T:padding></D:prop></D:set>'
                     '</D:propertyupdate>')

        def create(index):
            session = requests.Session()
            session.auth = (user, password)
            url = server.url(client.files(f"many/m{index:04d}.txt"))
            put = session.put(url, data=b"member", timeout=30).status_code
            patch = session.request("PROPPATCH", url, data=proppatch, timeout=30).status_code
            session.close()
            return put, patch

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(create, range(members))) == {(201, 207)}

        pgdata = os.path.join(server.data_dir, "postgres")
        assert postgres_processes(pgdata)
        idle = RawConnection(server.port)  # an idle keep-alive connection
        assert idle.request("GET", "/.well-known/caldav").status == 301

        target = f"/dav/files/{user}/many/"
        slow = RawConnection(server.port, timeout=30, rcvbuf=4096)  # a slow reader
        slow.send(raw_request("PROPFIND", target, [("Authorization", basic(user, password)),
                                                   ("Depth", "1")], ALLPROP))
        status, _, headers = slow.read_head()
        assert status == 207
        time.sleep(1.0)
        # The access line is written when the response is complete: none yet
        # means the server is still writing this response.
        assert not [line for line in access_lines(server) if f'"PROPFIND {target}"' in line], \
            "the response was complete before SIGTERM: the test needs a larger response"

        server.proc.send_signal(signal.SIGTERM)
        signalled = time.time()
        time.sleep(0.5)
        assert server.proc.poll() is None, "the server exited with a response in flight"
        # A connection made now is not served (it is refused, or waits in the
        # listen backlog and is reset when the server exits).
        try:
            with RawConnection(server.port, timeout=1) as late:
                late.send(raw_request("GET", "/.well-known/caldav"))
                try:
                    late_response = late.read_response()
                    pytest.fail(f"a new connection was served after SIGTERM: {late_response}")
                except (EOFError, ConnectionResetError, socket.timeout):
                    pass
        except ConnectionRefusedError:
            pass
        assert server.proc.poll() is None, "the server exited with a response in flight"

        # Read the rest (faster now: the point was that it was in flight).
        slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        body = slow.read_body("PROPFIND", status, headers)
        slow.close()
        done = time.time()
        root = etree.fromstring(body)
        assert root.tag == "{DAV:}multistatus"
        responses = root.findall("D:response", NS)
        assert len(responses) == members + 1
        assert len(root.xpath("//T:padding", namespaces={"T": "urn:x-test"})) == members

        code = server.proc.wait(timeout=30)
        exited = time.time()
        assert code == 0, server.logs()
        # The idle keep-alive connection (60 s timeout) did not hold the exit.
        assert exited - done < 10, (exited - done, exited - signalled)
        assert idle.closed_within(2) is True
        idle.close()
        wait_until(lambda: not postgres_processes(pgdata), 15)
        assert postgres_processes(pgdata) == []
        assert not os.path.exists(os.path.join(pgdata, "postmaster.pid"))
        log = server_output(server)
        assert log.index("stopping: finishing requests in progress") < \
            log.index("stopped PostgreSQL")
        assert [line for line in access_lines(server) if f'"PROPFIND {target}" 207 ' in line]
        server.stop()
    finally:
        server.cleanup()


# ----------------------------------------- malformed requests, server errors

MALFORMED = [
    ("bad-percent", "GET /dav/files/{user}/%zz HTTP/1.1"),
    ("truncated-percent", "GET /dav/files/{user}/a%2 HTTP/1.1"),
    ("dot-dot", "GET /dav/files/{user}/../admin/ HTTP/1.1"),
    ("encoded-dot-dot", "GET /dav/files/{user}/%2e%2e/x HTTP/1.1"),
    ("encoded-slash", "GET /dav/files/{user}/a%2Fb HTTP/1.1"),
    ("nul-byte", "GET /dav/files/{user}/a%00b HTTP/1.1"),
    ("bad-utf8", "GET /dav/files/{user}/%C3%28 HTTP/1.1"),
    ("userinfo", "GET http://{user}:pw@127.0.0.1:{port}/dav/files/{user}/ HTTP/1.1"),
    ("empty-authority", "GET http:///dav/ HTTP/1.1"),
    ("long-method", "X" * 300 + " /dav/files/{user}/ HTTP/1.1"),
    ("long-uri", "GET /dav/files/{user}/" + "a" * 20000 + " HTTP/1.1"),
]


@pytest.mark.parametrize("name,request_line", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_request_gets_4xx_and_server_keeps_serving(srv, account, name, request_line):
    user, password = account
    line = request_line.format(user=user, port=srv.port)
    data = (line + f"\r\nHost: 127.0.0.1\r\nAuthorization: {basic(user, password)}\r\n\r\n").encode()
    with RawConnection(srv.port, timeout=10) as conn:
        conn.send(data)
        r = conn.read_response()
        assert 400 <= r.status < 500, (name, r)
    with RawConnection(srv.port, timeout=10) as conn:
        r = conn.request("PROPFIND", f"/dav/files/{user}/",
                         [("Authorization", basic(user, password)), ("Depth", "0")], ALLPROP)
        assert r.status == 207


def test_internal_error_is_a_500_answer_not_a_dropped_connection():
    """Hides a table the PUT path needs (test setup through psql), so the
    storage layer throws an unexpected database error."""
    server = Server()
    try:
        server.start()
        user, password = server.add_user()
        auth = ("Authorization", basic(user, password))
        target = f"/dav/files/{user}/boom.txt"
        with RawConnection(server.port) as conn:
            assert conn.request("PUT", target, [auth], b"before").status == 201
        server.psql("ALTER TABLE locks RENAME TO locks_hidden_by_test")
        try:
            for method, body in (("PUT", b"after"), ("DELETE", b""), ("PROPFIND", ALLPROP)):
                with RawConnection(server.port) as conn:
                    r = conn.request(method, target, [auth, ("Depth", "0")], body)
                    assert r.status == 500, (method, r)
                    request_id = r.header("x-request-id")
                    assert request_id and request_id.encode() in r.body, r
                    lines = wait_for_access_line(server, request_id)
                    assert len(lines) == 1 and '" 500 ' in lines[0], lines
                    # No internals (SQL) in the answer.
                    assert b"locks" not in r.body and b"ERROR" not in r.body
        finally:
            server.psql("ALTER TABLE locks_hidden_by_test RENAME TO locks")
        with RawConnection(server.port) as conn:
            assert conn.request("PUT", target, [auth], b"again").status == 204
            got = conn.request("GET", target, [auth])
            assert got.status == 200 and got.body == b"again"
        assert server.stop() == 0
    finally:
        server.cleanup()
