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
