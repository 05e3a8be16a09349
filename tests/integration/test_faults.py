"""Failures inside the server are answered, never dropped: an unexpected
database error becomes a 500 carrying the request id (also in the log), and
a database that is down becomes a 503 with Retry-After; the server serves
again as soon as the database is back, without a restart."""

import os
import subprocess
import time

import pytest

from almanac_harness import PG_BINDIR, Server

PROPPATCH = ('<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop>'
             '<x:a xmlns:x="urn:x">1</x:a></D:prop></D:set></D:propertyupdate>')


@pytest.fixture
def lone_server():
    server = Server().start()
    user, password = server.add_user()
    yield server, server.client(user, password)
    server.cleanup()


def pg_ctl(server, action):
    pgdata = os.path.join(server.data_dir, "postgres")
    owner = __import__("pwd").getpwuid(os.stat(pgdata).st_uid).pw_name
    run_as = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 else []
    extra = []
    if action == "start":
        with open(os.path.join(server.data_dir, "postgres.log"), "a"):
            pass
        socket_dir = os.path.join(server.data_dir, "run")
        extra = ["-l", os.path.join(server.data_dir, "postgres.log"), "-o",
                 f"-c listen_addresses='' -c port=5432 -c unix_socket_directories='{socket_dir}'"]
    subprocess.run(run_as + [os.path.join(PG_BINDIR, "pg_ctl"), "-D", pgdata, "-w", "-m", "fast"]
                   + extra + [action], check=True, capture_output=True, timeout=60)


def test_unexpected_database_error_is_a_500_with_the_request_id(lone_server):
    server, client = lone_server
    assert client.request("PUT", client.files("a.txt"), "x").status_code == 201
    server.psql("ALTER TABLE dead_properties RENAME TO dead_properties_gone")
    try:
        r = client.request("PROPPATCH", client.files("a.txt"), PROPPATCH)
        assert r.status_code == 500
        request_id = r.headers["X-Request-Id"]
        assert request_id in r.text
        assert "dead_properties" not in r.text  # no internals for the client
        # The next request on the same keep-alive session is served.
        assert client.request("GET", client.files("a.txt")).status_code == 200
    finally:
        server.psql("ALTER TABLE dead_properties_gone RENAME TO dead_properties")
    deadline = time.time() + 5
    while request_id not in open(server.stderr_path).read() and time.time() < deadline:
        time.sleep(0.1)
    log = open(server.stderr_path).read()
    assert request_id in log and "dead_properties" in log
    assert client.request("PROPPATCH", client.files("a.txt"), PROPPATCH).status_code == 207


def test_database_down_is_a_503_and_the_server_recovers_by_itself(lone_server):
    server, client = lone_server
    assert client.request("PUT", client.files("b.txt"), "before").status_code == 201
    pg_ctl(server, "stop")
    try:
        for method, body in (("GET", None), ("PUT", "during"), ("PROPFIND", None)):
            r = client.request(method, client.files("b.txt"), body, {"Depth": "0"})
            assert r.status_code == 503, (method, r.status_code, r.text)
            assert r.headers.get("Retry-After")
    finally:
        pg_ctl(server, "start")
    deadline = time.time() + 20
    status = None
    while time.time() < deadline:
        status = client.request("GET", client.files("b.txt")).status_code
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200
    assert client.request("GET", client.files("b.txt")).text == "before"
    assert client.request("PUT", client.files("b.txt"), "after").status_code == 204
