import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))

from almanac_harness import Server  # noqa: E402


@pytest.fixture(scope="session")
def server():
    """One server on its embedded PostgreSQL for the whole session; tests
    create their own accounts, so they do not see each other's data."""
    s = Server().start()
    yield s
    code = s.stop()
    s.cleanup()
    assert code == 0, "almanac did not exit cleanly on SIGTERM"


@pytest.fixture
def alice(server):
    name, password = server.add_user()
    return server.client(name, password)


@pytest.fixture
def bob(server):
    name, password = server.add_user()
    return server.client(name, password)


@pytest.fixture(autouse=True)
def server_survives(request):
    """A test after which the shared server process is gone fails here, with
    the log tail, and the server is started again on the same data, so one
    crash does not turn every later test into "connection refused"."""
    if "server" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("server")
    yield
    if server.proc is None or server.proc.poll() is None:
        return
    code, log = server.proc.returncode, server.logs()[-1500:]
    server.proc = None
    server.stdout.close()
    server.stderr.close()
    server.start()
    pytest.fail(f"the server exited ({code}) during this test; restarted it. Log tail:\n{log}")
