"""The embedded PostgreSQL cluster (storage/embedded_postgres.cpp) as the real
server runs it: unix socket only, stopped with the server, adopted after a
kill -9 of the server, recovered after a kill -9 of the postmaster, robust to
a stale postmaster.pid, unprivileged when started by root, and usable from a
data directory whose path is too long for a unix socket."""

import os
import shutil
import signal
import subprocess
import time

import psutil
import pytest

from almanac_harness import (Server, postgres_processes, postmaster_pid, short_tempdir,
                             unique_name, wait_until)


# ----------------------------------------------------------------- helpers

def pgdata_of(server):
    return os.path.join(server.data_dir, "postgres")


def pid_file_lines(server):
    with open(os.path.join(pgdata_of(server), "postmaster.pid")) as f:
        return f.read().splitlines()


def alive(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def stderr_text(server):
    with open(server.stderr_path, errors="replace") as f:
        return f.read()


def write_marker(server, user, password, name="marker.txt"):
    data = f"written by {user} at {time.time()}\n".encode()
    client = server.client(user, password)
    assert client.request("PUT", client.files(name), data).status_code == 201
    return data


def read_marker(server, user, password, name="marker.txt"):
    client = server.client(user, password)
    r = client.request("GET", client.files(name))
    assert r.status_code == 200, (r.status_code, r.text)
    return r.content


def assert_cluster_stopped(server):
    pgdata = pgdata_of(server)
    wait_until(lambda: not postgres_processes(pgdata), 15)
    assert postgres_processes(pgdata) == [], "PostgreSQL still runs"
    assert not os.path.exists(os.path.join(pgdata, "postmaster.pid"))


def socket_inodes(pid):
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except (FileNotFoundError, PermissionError):
        pass
    return inodes


def tcp_sockets_with_inodes(inodes):
    """Rows of /proc/net/tcp{,6} (local address, state) for these inodes."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[9] in inodes:
                    found.append((table, fields[1], fields[3]))
    return found


@pytest.fixture
def server():
    s = Server()
    try:
        yield s
    finally:
        s.cleanup()


# ------------------------------------------------------------------- tests

def test_cluster_listens_on_no_tcp_port(server):
    server.start()
    assert server.psql("SHOW listen_addresses").strip() == ""
    lines = pid_file_lines(server)
    socket_dir = lines[4]
    assert lines[5].strip() == "", lines  # LOCK_FILE_LINE_LISTEN_ADDR
    assert socket_dir == os.path.join(os.path.realpath(server.data_dir), "run")
    socket_path = os.path.join(socket_dir, f".s.PGSQL.{lines[3]}")
    mode = os.stat(socket_path).st_mode
    assert mode & 0o077 == 0, oct(mode)  # only the run-as account (and root)
    processes = postgres_processes(pgdata_of(server))
    assert processes
    inodes = set()
    for process in processes:
        inodes |= socket_inodes(process.pid)
    assert inodes, "no sockets seen at all: /proc/<pid>/fd unreadable?"
    tcp = tcp_sockets_with_inodes(inodes)
    assert tcp == [], f"PostgreSQL has TCP sockets: {tcp}"
    assert server.stop() == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_server_and_cluster(server, sig):
    server.start()
    user, password = server.add_user()
    write_marker(server, user, password)
    pm = postmaster_pid(pgdata_of(server))
    assert alive(pm)
    assert server.stop(sig=sig, timeout=60) == 0
    assert wait_until(lambda: not alive(pm), 10), "the postmaster outlived the server"
    assert_cluster_stopped(server)
    assert "stopped PostgreSQL" in stderr_text(server)


def test_kill9_of_server_leaves_cluster_which_next_start_adopts(server):
    server.start()
    user, password = server.add_user()
    data = write_marker(server, user, password)
    pm = postmaster_pid(pgdata_of(server))
    server.kill()
    time.sleep(1)
    assert alive(pm), "PostgreSQL should outlive a kill -9 of the server"
    before = len(stderr_text(server))
    server.start()
    log = stderr_text(server)[before:]
    assert f"PostgreSQL (pid {pm}) already runs" in log, log
    assert postmaster_pid(pgdata_of(server)) == pm  # adopted, not restarted
    assert read_marker(server, user, password) == data
    write_marker(server, user, password, "after.txt")
    # The server stops the adopted cluster when it stops.
    assert server.stop() == 0
    assert not alive(pm)
    assert_cluster_stopped(server)


def test_kill9_of_postmaster_while_server_is_down_is_recovered(server):
    server.start()
    user, password = server.add_user()
    data = write_marker(server, user, password)
    pgdata = pgdata_of(server)
    pm = postmaster_pid(pgdata)
    server.kill()
    os.kill(pm, signal.SIGKILL)
    assert wait_until(lambda: not alive(pm), 10), "the postmaster survived SIGKILL"
    assert os.path.exists(os.path.join(pgdata, "postmaster.pid"))  # stale now
    before = len(stderr_text(server))
    server.start(timeout=120)
    log = stderr_text(server)[before:]
    assert "removed the stale" in log, log
    new_pm = postmaster_pid(pgdata)
    assert new_pm != pm and alive(new_pm)
    assert read_marker(server, user, password) == data
    write_marker(server, user, password, "after.txt")
    assert server.stop() == 0
    assert_cluster_stopped(server)


@pytest.mark.parametrize("holder", ["unrelated-live-process", "dead-process"])
def test_stale_postmaster_pid_does_not_block_start(server, holder):
    server.start()
    user, password = server.add_user()
    data = write_marker(server, user, password)
    pgdata = pgdata_of(server)
    lines = pid_file_lines(server)
    assert server.stop() == 0
    assert_cluster_stopped(server)

    other = subprocess.Popen(["sleep", "120"] if holder == "unrelated-live-process" else ["true"],
                             cwd=server.root)
    try:
        if holder == "dead-process":
            other.wait(timeout=10)
        lines[0] = str(other.pid)
        with open(os.path.join(pgdata, "postmaster.pid"), "w") as f:
            f.write("\n".join(lines) + "\n")
        before = len(stderr_text(server))
        server.start(timeout=120)
        log = stderr_text(server)[before:]
        assert "removed the stale" in log, log
        assert postmaster_pid(pgdata) != other.pid
        assert read_marker(server, user, password) == data
        if holder == "unrelated-live-process":
            assert other.poll() is None, "the unrelated process was signalled"
        assert server.stop() == 0
        assert_cluster_stopped(server)
    finally:
        if other.poll() is None:
            other.kill()
        other.wait(timeout=10)


@pytest.mark.skipif(os.geteuid() != 0, reason="only meaningful when the tests run as root")
def test_postgres_runs_unprivileged_when_started_by_root(server):
    server.start()
    pgdata = pgdata_of(server)
    processes = postgres_processes(pgdata)
    assert processes
    pm = psutil.Process(postmaster_pid(pgdata))
    assert pm.uids().real != 0 and pm.uids().effective != 0, pm.uids()
    assert pm.username() == os.environ.get("ALMANAC_POSTGRES_USER", "postgres")
    for process in processes:
        assert process.uids().effective != 0, (process.pid, process.cmdline())
    assert os.stat(pgdata).st_uid == pm.uids().real
    assert server.proc and psutil.Process(server.pid()).uids().effective == 0
    assert server.stop() == 0


def test_data_dir_too_long_for_a_unix_socket():
    root = short_tempdir()
    deep = root
    while len(os.path.join(deep, "data")) <= 110:
        deep = os.path.join(deep, "long-directory-name-" + unique_name(""))
    os.makedirs(deep, mode=0o755)
    data_dir = os.path.join(deep, "data")
    assert len(data_dir) > 100
    server = Server(data_dir=data_dir)
    socket_dir = None
    try:
        server.start()
        socket_dir = pid_file_lines(server)[4]
        assert socket_dir.startswith("/tmp/almanac-"), socket_dir  # the short fallback
        assert len(os.path.join(socket_dir, ".s.PGSQL.5432")) <= 107, socket_dir
        assert os.path.isdir(os.path.join(data_dir, "postgres"))
        user, password = server.add_user()  # the CLI finds the same socket
        data = write_marker(server, user, password)
        assert server.stop() == 0
        assert_cluster_stopped(server)
        server.start()  # and again, with the socket directory left from before
        assert read_marker(server, user, password) == data
        assert server.stop() == 0
        assert_cluster_stopped(server)
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)
        if socket_dir and socket_dir.startswith("/tmp/almanac-") and \
                not postgres_processes(os.path.join(data_dir, "postgres")):
            shutil.rmtree(socket_dir, ignore_errors=True)
