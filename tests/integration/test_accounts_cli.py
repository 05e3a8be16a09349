"""The command line (server/app): the first-start admin account, `user
add/passwd/delete/list` with a server running on the data directory and with
none (the CLI then runs the embedded cluster itself and stops it again),
`migrate`, flags / environment / configuration file and their precedence,
and --database-url against an external PostgreSQL."""

import os
import re
import shutil
import signal
import subprocess
import time

import pytest
import requests

from almanac_harness import (ALMANAC_BIN, Server, free_port, init_cluster, parse_multistatus,
                             postgres_processes, short_tempdir, stop_cluster, unique_name,
                             wait_until)

GENERATED = re.compile(r"Created the account 'admin' with the password: (\S+)")
EXIT_USAGE = 64
EXIT_CONFIG = 78


# ----------------------------------------------------------------- helpers

def clean_env(**extra):
    """The environment without any ALMANAC_* variable of the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMANAC_")}
    env.update(extra)
    return env


def run(args, env=None, input=None, timeout=120):
    return subprocess.run([ALMANAC_BIN] + list(args), input=input, capture_output=True, text=True,
                          env=env or clean_env(), timeout=timeout)


def pgdata_of(server):
    return os.path.join(server.data_dir, "postgres")


def assert_no_cluster_running(server):
    pgdata = pgdata_of(server)
    wait_until(lambda: not postgres_processes(pgdata), 10)
    assert postgres_processes(pgdata) == [], "PostgreSQL was left running"
    assert not os.path.exists(os.path.join(pgdata, "postmaster.pid"))


def status(server, user, password, path=None):
    path = path or f"/dav/files/{user}/"
    r = requests.request("PROPFIND", server.url(path), auth=(user, password),
                         headers={"Depth": "0"}, timeout=30)
    return r.status_code


def user_list(server):
    result = server.cli("user", "list")
    accounts = {}
    for line in result.stdout.splitlines():
        fields = line.split("\t")
        assert len(fields) == 3, line
        accounts[fields[0]] = (fields[1], fields[2])
    return accounts


def stdout_text(server):
    with open(server.stdout_path, errors="replace") as f:
        return f.read()


@pytest.fixture
def make_server():
    servers = []

    def make(**kwargs):
        server = Server(**kwargs)
        servers.append(server)
        return server
    yield make
    for server in servers:
        server.cleanup()


# --------------------------------------------------------- the first start

def test_first_start_uses_admin_password_from_environment(make_server):
    password = "Adm1n-" + unique_name("")
    server = make_server(admin_password=password).start()
    out = stdout_text(server)
    assert "Created the account 'admin' with the password from admin_password." in out
    assert password not in out
    assert status(server, "admin", password, "/dav/principals/admin/") == 207
    assert status(server, "admin", "admin-pw", "/dav/principals/admin/") == 401
    assert user_list(server)["admin"] == ("admin", "active")
    assert server.stop() == 0


def test_first_start_generates_admin_password_printed_once(make_server):
    server = make_server(admin_password=None)
    server.env.pop("ALMANAC_ADMIN_PASSWORD", None)
    server.start()
    out = stdout_text(server)
    found = GENERATED.findall(out)
    assert len(found) == 1, out
    password = found[0]
    assert len(password) >= 12
    assert status(server, "admin", password, "/dav/principals/admin/") == 207
    with open(server.stderr_path, errors="replace") as f:
        assert password not in f.read()
    assert server.stop() == 0

    # A restart prints nothing new, even with admin_password set now, and
    # the account keeps its password.
    before = len(stdout_text(server))
    server.env["ALMANAC_ADMIN_PASSWORD"] = "other-" + unique_name("")
    server.start()
    restart_output = stdout_text(server)[before:]
    assert "Created the account" not in restart_output, restart_output
    assert password not in restart_output
    assert status(server, "admin", password, "/dav/principals/admin/") == 207
    assert status(server, "admin", server.env["ALMANAC_ADMIN_PASSWORD"],
                  "/dav/principals/admin/") == 401
    assert server.stop() == 0


# ------------------------------------------------------------ user commands

INVALID_NAMES = ["a/b", "a:b", "", "..", ".", "a\\b", "tab\there", "x" * 65]


@pytest.mark.parametrize("mode", ["server-running", "no-server"])
def test_user_commands(make_server, mode):
    """Every user command, against the data directory of a running server
    or with no server (then each command runs the embedded cluster and
    leaves none running)."""
    server = make_server(extra_args=["--auth-cache-ttl", "2s"])
    running = mode == "server-running"
    if running:
        server.start()

    def after_command():
        if running:
            assert server.proc.poll() is None
        else:
            assert_no_cluster_running(server)

    alice, bob, carol = unique_name("alice"), unique_name("bob"), unique_name("carol")
    r = server.cli("user", "add", alice, "--password", "alice-pw-1")
    assert f"created account {alice}" in r.stdout
    after_command()
    r = server.cli("user", "add", bob, input="bob-pw-1\n")  # password on stdin
    assert f"created account {bob}" in r.stdout
    r = server.cli("user", "add", carol, "--password", "carol-pw", "--admin")
    assert f"created account {carol} (admin)" in r.stdout
    after_command()

    duplicate = server.cli("user", "add", alice, "--password", "other", check=False)
    assert duplicate.returncode != 0
    assert alice in duplicate.stderr and "exists" in duplicate.stderr, duplicate.stderr
    for name in INVALID_NAMES:
        refused = server.cli("user", "add", name, "--password", "pw", check=False)
        assert refused.returncode != 0, name
        assert "name" in refused.stderr, (name, refused.stderr)
    no_password = server.cli("user", "add", unique_name("nopw"), input="", check=False)
    assert no_password.returncode != 0 and "password" in no_password.stderr
    after_command()

    accounts = user_list(server)
    assert accounts[alice] == ("-", "active")
    assert accounts[bob] == ("-", "active")
    assert accounts[carol] == ("admin", "active")
    assert not set(INVALID_NAMES) & set(accounts)
    assert ("admin" in accounts) == running  # created by the first `serve`
    after_command()

    r = server.cli("user", "passwd", bob, "--password", "bob-pw-2")
    assert f"password changed for {bob}" in r.stdout
    r = server.cli("user", "passwd", alice, input="alice-pw-2\n")
    assert f"password changed for {alice}" in r.stdout
    unknown = server.cli("user", "passwd", unique_name("ghost"), "--password", "x", check=False)
    assert unknown.returncode != 0 and "no account named" in unknown.stderr
    after_command()

    if not running:
        server.start()
    assert status(server, alice, "alice-pw-2") == 207
    assert status(server, alice, "alice-pw-1") == 401
    assert status(server, bob, "bob-pw-2") == 207
    assert status(server, bob, "bob-pw-1") == 401
    assert status(server, carol, "carol-pw") == 207

    # Alice owns files, a folder and her calendar home.
    client = server.client(alice, "alice-pw-2")
    assert client.request("PUT", client.files("note.txt"), b"alice's note").status_code == 201
    assert client.request("MKCOL", client.files("folder/")).status_code == 201
    assert client.request("PUT", client.files("folder/deep.txt"), b"deep").status_code == 201
    assert status(server, alice, "alice-pw-2", f"/dav/calendars/{alice}/") == 207

    if not running:
        assert server.stop() == 0
        assert_no_cluster_running(server)
    r = server.cli("user", "delete", alice)
    assert f"deleted account {alice}" in r.stdout
    gone = server.cli("user", "delete", alice, check=False)
    assert gone.returncode != 0 and "no account named" in gone.stderr
    after_command()
    assert alice not in user_list(server)
    if not running:
        server.start()

    # Her old credentials answer 401 everywhere (a running server may
    # remember a verified password for auth_cache_ttl = 2 s).
    paths = [f"/dav/files/{alice}/", f"/dav/files/{alice}/note.txt",
             f"/dav/calendars/{alice}/", f"/dav/principals/{alice}/"]
    refused = wait_until(
        lambda: all(status(server, alice, "alice-pw-2", p) == 401 for p in paths), 2 + 3, 0.25)
    assert refused, [(p, status(server, alice, "alice-pw-2", p)) for p in paths]

    # Everything she owned is gone: a new account of that name starts empty.
    server.cli("user", "add", alice, "--password", "alice-new")
    fresh = server.client(alice, "alice-new")
    assert fresh.request("GET", fresh.files("note.txt")).status_code == 404
    assert fresh.request("GET", fresh.files("folder/deep.txt")).status_code == 404
    listing = parse_multistatus(fresh.propfind(fresh.files(), depth="1"))
    assert list(listing) == [f"/dav/files/{alice}/"], listing.keys()
    # The others are untouched.
    assert status(server, bob, "bob-pw-2") == 207
    assert server.stop() == 0
    assert_no_cluster_running(server)


def test_recreated_account_is_not_reachable_with_the_old_password(make_server):
    """`user delete NAME` then `user add NAME` (a new person) while the
    server runs: the deleted account's password must not open the new
    account, even while it is in the credential cache."""
    server = make_server().start()  # auth_cache_ttl: the default 60 s
    name, _ = server.add_user(password="first-owner-pw")
    assert status(server, name, "first-owner-pw") == 207  # verified and cached
    server.cli("user", "delete", name)
    server.add_user(name, password="second-owner-pw")
    for path in (f"/dav/files/{name}/", f"/dav/calendars/{name}/", f"/dav/principals/{name}/"):
        assert status(server, name, "first-owner-pw", path) == 401, path
    r = requests.put(server.url(f"/dav/files/{name}/planted.txt"), data=b"x",
                     auth=(name, "first-owner-pw"), timeout=30)
    assert r.status_code == 401, (r.status_code, r.text)
    assert server.stop() == 0


# ------------------------------------------------------------------ migrate

def test_migrate_is_idempotent(make_server):
    server = make_server()
    first = server.cli("migrate")
    assert "the database schema is current" in first.stdout
    assert "applying migration" in first.stderr
    assert_no_cluster_running(server)
    second = server.cli("migrate")
    assert "the database schema is current" in second.stdout
    assert "applying migration" not in second.stderr and "applied" not in second.stderr
    assert_no_cluster_running(server)
    server.start()
    third = server.cli("migrate")  # next to a running server
    assert third.returncode == 0 and "applying migration" not in third.stderr
    assert status(server, "admin", "admin-pw", "/dav/principals/admin/") == 207
    assert server.stop() == 0
    assert_no_cluster_running(server)


# ------------------------------------------------- flags, environment, file

@pytest.mark.parametrize("args", [
    ["serve", "--no-such-flag", "1"],
    ["serve", "--no-such-flag=1"],
    ["user", "list", "--bogus"],
    ["migrate", "--data-dir"],
])
def test_unknown_or_incomplete_flag_is_a_usage_error(args):
    root = short_tempdir()
    try:
        data_dir = os.path.join(root, "data")
        result = run(args + (["--data-dir", data_dir] if args[-1] != "--data-dir" else []),
                     timeout=30)
        assert result.returncode == EXIT_USAGE, (result.returncode, result.stderr)
        flag = args[-1].split("=")[0] if args[-1].startswith("--") else args[-2].split("=")[0]
        assert flag in result.stderr, result.stderr
        assert "usage:" in result.stderr
        assert not os.path.exists(os.path.join(data_dir, "postgres"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_unknown_command_and_setting_are_refused():
    root = short_tempdir()
    try:
        data_dir = os.path.join(root, "data")
        result = run(["frobnicate", "--data-dir", data_dir], timeout=30)
        assert result.returncode == EXIT_USAGE and "usage:" in result.stderr
        config = os.path.join(root, "almanac.conf")
        with open(config, "w") as f:
            f.write("# comment\n\nthreads = 8\nno_such_setting = 1\n")
        result = run(["serve", "--config", config, "--data-dir", data_dir], timeout=30)
        assert result.returncode == EXIT_CONFIG, (result.returncode, result.stderr)
        assert "no_such_setting" in result.stderr and f"{config}:4" in result.stderr
        with open(config, "w") as f:
            f.write("this line has no equals sign\n")
        result = run(["serve", "--config", config, "--data-dir", data_dir], timeout=30)
        assert result.returncode == EXIT_CONFIG and f"{config}:1" in result.stderr
        result = run(["serve", "--config", os.path.join(root, "missing.conf"),
                      "--data-dir", data_dir], timeout=30)
        assert result.returncode == EXIT_CONFIG and "missing.conf" in result.stderr
        assert not os.path.exists(os.path.join(data_dir, "postgres"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("source,key,value", [
    ("flag", "threads", "abc"),
    ("flag", "max_file_size", "10Q"),
    ("flag", "auth_cache_ttl", "soon"),
    ("flag", "log_level", "loud"),
    ("env", "threads", "abc"),
    ("env", "login_window", "-5m"),
    ("file", "threads", "abc"),
    ("file", "max_request_body", "1X"),
])
def test_bad_value_is_refused_naming_the_setting(source, key, value):
    root = short_tempdir()
    try:
        data_dir = os.path.join(root, "data")
        args = ["serve", "--data-dir", data_dir, "--listen", f"127.0.0.1:{free_port()}"]
        env = clean_env(ALMANAC_ADMIN_PASSWORD="x")
        if source == "flag":
            args += ["--" + key.replace("_", "-"), value]
        elif source == "env":
            env["ALMANAC_" + key.upper()] = value
        else:
            config = os.path.join(root, "almanac.conf")
            with open(config, "w") as f:
                f.write(f"{key} = {value}\n")
            args += ["--config", config]
        result = run(args, env=env, timeout=30)
        assert result.returncode == EXIT_CONFIG, (result.returncode, result.stdout, result.stderr)
        assert key in result.stderr, result.stderr
        if source == "env":
            assert "ALMANAC_" + key.upper() in result.stderr
        assert not os.path.exists(os.path.join(data_dir, "postgres"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def answers_on(port):
    try:
        r = requests.get(f"http://127.0.0.1:{port}/.well-known/caldav", allow_redirects=False,
                         timeout=1)
        return r.status_code == 301
    except requests.RequestException:
        return False


def serve_once(data_dir, log_dir, args, env, ports):
    """Starts `almanac serve` with exactly `args` (no --listen of its own),
    waits until one of `ports` answers; returns (that port, the realm of a
    401) and stops the server again."""
    out = open(os.path.join(log_dir, f"serve-{unique_name('')}.log"), "wb")
    proc = subprocess.Popen([ALMANAC_BIN, "serve", "--data-dir", data_dir] + args, env=env,
                            stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        served = None
        while served is None and time.time() < deadline:
            assert proc.poll() is None, open(out.name, errors="replace").read()
            served = next((port for port in ports if answers_on(port)), None)
            time.sleep(0.1)
        assert served is not None, open(out.name, errors="replace").read()
        others = [port for port in ports if port != served and answers_on(port)]
        assert not others, others
        r = requests.request("PROPFIND", f"http://127.0.0.1:{served}/dav/", timeout=10)
        realm = re.search(r'realm="([^"]*)"', r.headers.get("WWW-Authenticate", ""))
        return served, realm and realm.group(1)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        out.close()
        assert code == 0


def test_settings_precedence_file_then_environment_then_flags():
    root = short_tempdir()
    data_dir = os.path.join(root, "data")
    try:
        p_file, p_env, p_flag = free_port(), free_port(), free_port()
        while len({p_file, p_env, p_flag}) < 3:
            p_flag = free_port()
        ports = [p_file, p_env, p_flag]
        config = os.path.join(root, "almanac.conf")
        with open(config, "w") as f:
            f.write(f"# test configuration\nlisten = 127.0.0.1:{p_file}\n"
                    "auth_realm = \"File Realm\"\n")
        base = clean_env(ALMANAC_ADMIN_PASSWORD="admin-pw")

        # The file alone (named by --config, then by ALMANAC_CONFIG).
        assert serve_once(data_dir, root, ["--config", config], base, ports) == \
            (p_file, "File Realm")
        assert serve_once(data_dir, root, [], dict(base, ALMANAC_CONFIG=config), ports) == \
            (p_file, "File Realm")
        # The environment overrides the file.
        env = dict(base, ALMANAC_LISTEN=f"127.0.0.1:{p_env}", ALMANAC_AUTH_REALM="Env Realm")
        assert serve_once(data_dir, root, ["--config", config], env, ports) == (p_env, "Env Realm")
        # Flags override both.
        assert serve_once(data_dir, root,
                          ["--config", config, "--listen", f"127.0.0.1:{p_flag}",
                           "--auth-realm=Flag Realm"], env, ports) == (p_flag, "Flag Realm")
        # Only what a source sets overrides: the realm still comes from the
        # environment when the flag sets only --listen.
        assert serve_once(data_dir, root, ["--config", config, "--listen", f"127.0.0.1:{p_flag}"],
                          env, ports) == (p_flag, "Env Realm")
    finally:
        pgdata = os.path.join(data_dir, "postgres")
        if os.path.exists(os.path.join(pgdata, "postmaster.pid")):
            stop_cluster(pgdata)
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------ --database-url

def test_database_url_uses_external_postgres_and_no_embedded_cluster(make_server):
    external = short_tempdir("alm-ext-")
    pgdata = os.path.join(external, "pgdata")
    cwd_default = os.path.abspath("almanac-data")
    existed = os.path.exists(cwd_default)
    try:
        conninfo = init_cluster(external)
        server = make_server(database_url=conninfo)
        server.extra_args = ["--data-dir", server.data_dir]  # must stay unused
        server.start()
        assert status(server, "admin", "admin-pw", "/dav/principals/admin/") == 207
        user, password = server.add_user()  # the CLI with --database-url
        client = server.client(user, password)
        assert client.request("PUT", client.files("ext.txt"), b"external").status_code == 201
        assert client.request("GET", client.files("ext.txt")).content == b"external"
        # The rows are in the external database.
        names = subprocess.run(["psql", "-X", "-q", "-t", "-A", conninfo, "-c",
                                "SELECT name FROM accounts"], capture_output=True, text=True,
                               check=True, timeout=30).stdout.split()
        assert user in names and "admin" in names
        # No embedded cluster anywhere.
        assert not os.path.exists(os.path.join(server.data_dir, "postgres"))
        assert not os.path.exists(os.path.join(server.data_dir, "postgres.log"))
        assert existed or not os.path.exists(cwd_default)
        with open(server.stderr_path, errors="replace") as f:
            log = f.read()
        assert "initialising the PostgreSQL cluster" not in log
        assert "started PostgreSQL" not in log
        migrate = server.cli("migrate")
        assert "the database schema is current" in migrate.stdout
        assert server.stop() == 0
        # The server leaves a cluster it does not own running.
        assert postgres_processes(pgdata)
        assert os.path.exists(os.path.join(pgdata, "postmaster.pid"))
    finally:
        if os.path.exists(os.path.join(pgdata, "postmaster.pid")):
            stop_cluster(pgdata)
        wait_until(lambda: not postgres_processes(pgdata), 10)
        shutil.rmtree(external, ignore_errors=True)
    assert postgres_processes(pgdata) == []
