"""Test harness: starts the real `almanac` binary on a private PostgreSQL and
talks HTTP to it over loopback. Shared by tests/integration, tests/interop and
tests/quickstart (imported through conftest.py).

Nothing here fakes the server: every test goes through the real process, its
embedded (or an external, privately started) PostgreSQL cluster, and a real
socket."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from urllib.parse import quote

import requests
from lxml import etree

SOURCE_DIR = os.environ.get(
    "ALMANAC_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
ALMANAC_BIN = os.environ.get("ALMANAC_BIN", os.path.join(SOURCE_DIR, "build", "almanac"))
PG_BINDIR = os.environ.get("ALMANAC_PG_BINDIR") or next(
    (os.path.join("/usr/lib/postgresql", v, "bin")
     for v in sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: int(v) if v.isdigit() else 0,
                     reverse=True)
     if os.path.exists(os.path.join("/usr/lib/postgresql", v, "bin", "initdb"))), None)

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
NS = {"D": DAV, "C": CALDAV, "CR": CARDDAV}


def short_tempdir(prefix="alm-"):
    """A temporary directory with a short path (unix sockets allow 107 bytes)
    that the unprivileged PostgreSQL account can traverse when tests run as
    root."""
    path = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(path, 0o755)
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_name(prefix="user"):
    return f"{prefix}{uuid.uuid4().hex[:10]}"


class Server:
    """One `almanac serve` process. With `database_url` it uses that
    PostgreSQL; otherwise its embedded cluster in `data_dir`."""

    def __init__(self, data_dir=None, database_url=None, env=None, admin_password="admin-pw",
                 extra_args=()):
        self.owns_dir = data_dir is None
        self.root = short_tempdir() if data_dir is None else os.path.dirname(data_dir)
        self.data_dir = data_dir or os.path.join(self.root, "data")
        self.database_url = database_url
        self.port = None
        self.proc = None
        self.admin_password = admin_password
        self.env = dict(os.environ)
        self.env.pop("ALMANAC_CONFIG", None)
        if admin_password is not None:
            self.env["ALMANAC_ADMIN_PASSWORD"] = admin_password
        self.env.update(env or {})
        self.extra_args = list(extra_args)
        self.stdout_path = os.path.join(self.root, f"server-{uuid.uuid4().hex[:6]}.out")
        self.stderr_path = self.stdout_path[:-4] + ".err"

    # -- process ---------------------------------------------------------
    def location_args(self):
        if self.database_url:
            return ["--database-url", self.database_url]
        return ["--data-dir", self.data_dir]

    def start(self, timeout=90):
        self.port = self.port or free_port()
        args = [ALMANAC_BIN, "serve", "--listen", f"127.0.0.1:{self.port}"]
        args += self.location_args() + self.extra_args
        self.stdout = open(self.stdout_path, "ab")
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.stdout, stderr=self.stderr, env=self.env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"almanac exited with {self.proc.returncode}:\n{self.logs()}")
            try:
                r = requests.get(self.url("/.well-known/caldav"), allow_redirects=False, timeout=2)
                if r.status_code == 301:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"almanac did not start within {timeout}s:\n{self.logs()}")

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("almanac did not stop within %ss:\n%s" % (timeout, self.logs()))
        code = self.proc.returncode
        self.proc = None
        self.stdout.close()
        self.stderr.close()
        return code

    def kill(self):
        """kill -9: no clean shutdown at all (the embedded cluster keeps running)."""
        self.proc.kill()
        self.proc.wait()
        self.proc = None
        self.stdout.close()
        self.stderr.close()

    def logs(self):
        out = []
        for path in (self.stdout_path, self.stderr_path):
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    out.append(f.read()[-8000:])
        return "\n".join(out)

    def pid(self):
        return self.proc.pid

    def cleanup(self):
        """Stops the server and, when the cluster is embedded and was left
        running (after kill), the cluster too; removes the temp dir."""
        if self.proc:
            self.stop()
        pgdata = os.path.join(self.data_dir, "postgres")
        if os.path.exists(os.path.join(pgdata, "postmaster.pid")):
            stop_cluster(pgdata)
        if self.owns_dir:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- CLI -------------------------------------------------------------
    def cli(self, *args, input=None, check=True):
        cmd = [ALMANAC_BIN] + list(args) + self.location_args()
        result = subprocess.run(cmd, input=input, capture_output=True, text=True, env=self.env,
                                timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{cmd} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def add_user(self, name=None, password="secret-pw", admin=False):
        name = name or unique_name()
        args = ["user", "add", name, "--password", password] + (["--admin"] if admin else [])
        self.cli(*args)
        return name, password

    # -- HTTP ------------------------------------------------------------
    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def client(self, user, password):
        return DavClient(self, user, password)

    def psql(self, sql):
        """Runs SQL against the server's database (test setup only)."""
        if self.database_url:
            conninfo = self.database_url
        else:
            with open(os.path.join(self.data_dir, "postgres", "postmaster.pid")) as f:
                lines = f.read().splitlines()
            conninfo = f"host={lines[4]} port={lines[3]} user=almanac dbname=almanac"
        return subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", conninfo,
                               "-c", sql], capture_output=True, text=True, check=True).stdout


class DavClient:
    def __init__(self, server, user, password):
        self.server = server
        self.user = user
        self.session = requests.Session()
        self.session.auth = (user, password)

    def request(self, method, path, body=None, headers=None, **kwargs):
        if isinstance(body, str):
            body = body.encode("utf-8")
        return self.session.request(method, self.server.url(path), data=body,
                                    headers=headers or {}, allow_redirects=False, timeout=60,
                                    **kwargs)

    def propfind(self, path, props=None, depth="0", body=None, headers=None):
        if body is None:
            if props is None:
                body = '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
            else:
                inner = "".join(f'<x:{local} xmlns:x="{ns}"/>' for ns, local in props)
                body = f'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop>{inner}</D:prop></D:propfind>'
        h = {"Depth": depth, "Content-Type": "application/xml"}
        h.update(headers or {})
        return self.request("PROPFIND", path, body, h)

    def files(self, rest=""):
        return f"/dav/files/{quote(self.user, safe='')}/{rest}"


def parse_multistatus(response):
    """{href: {"{ns}name": (status_code, element)}} plus "__status__" for
    responses that carry a status instead of propstats."""
    assert response.status_code == 207, (response.status_code, response.text[:2000])
    root = etree.fromstring(response.content)
    assert root.tag == "{DAV:}multistatus", root.tag
    out = {}
    for r in root.findall("D:response", NS):
        href = r.findtext("D:href", namespaces=NS)
        props = {}
        status = r.findtext("D:status", namespaces=NS)
        if status:
            props["__status__"] = int(status.split()[1])
        for ps in r.findall("D:propstat", NS):
            code = int(ps.findtext("D:status", namespaces=NS).split()[1])
            for prop in ps.find("D:prop", NS):
                props[prop.tag] = (code, prop)
        out[href] = props
    return out


def init_cluster(directory):
    """initdb + start of a private cluster, unix socket only, for tests that
    run the server against an external PostgreSQL (--database-url). Returns
    the conninfo."""
    pgdata = os.path.join(directory, "pgdata")
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        os.chown(directory, pwd_uid("postgres"), -1)
    subprocess.run(run_as + [os.path.join(PG_BINDIR, "initdb"), "-D", pgdata, "-U", "tester",
                             "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
                   check=True, capture_output=True)
    subprocess.run(run_as + [os.path.join(PG_BINDIR, "pg_ctl"), "-D", pgdata, "-l",
                             os.path.join(directory, "pg.log"), "-w", "-o",
                             f"-c listen_addresses='' -c port=5433 -c unix_socket_directories='{directory}'",
                             "start"], check=True, capture_output=True)
    subprocess.run(["psql", "-X", "-q", f"host={directory} port=5433 user=tester dbname=postgres",
                    "-c", "CREATE DATABASE external_almanac"], check=True, capture_output=True)
    return f"host={directory} port=5433 user=tester dbname=external_almanac"


def stop_cluster(pgdata):
    run_as = ["runuser", "-u", _owner_name(pgdata), "--"] if os.geteuid() == 0 else []
    subprocess.run(run_as + [os.path.join(PG_BINDIR, "pg_ctl"), "-D", pgdata, "-m", "fast", "-w",
                             "stop"], capture_output=True)


def pwd_uid(name):
    import pwd
    return pwd.getpwnam(name).pw_uid


def _owner_name(path):
    import pwd
    return pwd.getpwuid(os.stat(path).st_uid).pw_name


# -- process helpers (lifecycle tests: shutdown, kill -9, adoption) ---------

def wait_until(predicate, timeout, interval=0.1):
    """Calls `predicate` until it returns something true or `timeout`
    seconds passed; returns its last value."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value or time.time() >= deadline:
            return value
        time.sleep(interval)


def postmaster_pid(pgdata):
    """The pid in `pgdata`/postmaster.pid, or None without that file."""
    try:
        with open(os.path.join(pgdata, "postmaster.pid")) as f:
            return abs(int(f.readline().strip()))
    except (FileNotFoundError, ValueError):
        return None


def postgres_processes(pgdata):
    """Live (not zombie) processes whose working directory is `pgdata`: the
    postmaster and every backend of that cluster chdir there."""
    import psutil
    real = os.path.realpath(pgdata)
    found = []
    for process in psutil.process_iter():
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            if process.cwd() == real:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, OSError):
            pass
    return found
