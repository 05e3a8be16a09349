"""litmus (Debian package), the WebDAV protocol suite of the neon project,
against an account's file area: all five suites must pass with no failure
and no warning."""

import re
import subprocess

import pytest

from almanac_harness import Server, short_tempdir

SUITES = ["basic", "copymove", "props", "locks", "http"]


@pytest.fixture(scope="module")
def server():
    s = Server().start()
    yield s
    s.cleanup()


def test_litmus_passes_every_suite(server):
    user, password = server.add_user("litmus-user")
    workdir = short_tempdir("litmus-")  # litmus writes debug.log into its working directory
    result = subprocess.run(
        ["litmus", server.url(f"/dav/files/{user}/"), user, password],
        cwd=workdir, capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "TESTS": " ".join(SUITES)})
    output = result.stdout + result.stderr
    summaries = dict(re.findall(r"<- summary for `(\w+)': of \d+ tests run: \d+ passed, (\d+) failed", output))
    assert sorted(summaries) == sorted(SUITES), output
    assert all(failed == "0" for failed in summaries.values()), output
    assert "FAIL" not in output, output
    assert "WARNING" not in output, output
    assert result.returncode == 0, output
