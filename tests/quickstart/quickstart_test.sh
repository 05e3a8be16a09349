#!/usr/bin/env bash
# The quick start itself: `make run` in a fresh data directory on a free port,
# with no admin password configured. Reads the generated admin password from
# its output, then discovers the server the way a CalDAV client does:
#   GET /.well-known/caldav              -> 301 to /dav/
#   PROPFIND current-user-principal      -> /dav/principals/admin/
#   PROPFIND calendar-home-set           -> /dav/calendars/admin/
# and stops it with SIGTERM (to the whole process group make started),
# checking that no almanac or PostgreSQL process is left.
#
# Environment: ALMANAC_SOURCE_DIR (set by ctest; default: the repository this
# script lives in), QUICKSTART_START_TIMEOUT (seconds for `make run` to
# serve, default 900: it may have to build first).
# Exit status 0 only when every step passed; failures are printed.
set -u
set -m  # job control: the background `make run` gets a process group of its own

script_dir=$(cd "$(dirname "$0")" && pwd)
source_dir=${ALMANAC_SOURCE_DIR:-$(cd "$script_dir/../.." && pwd)}
start_timeout=${QUICKSTART_START_TIMEOUT:-900}
py=/usr/bin/python3
[ -x "$py" ] || py=python3

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

tmp=$(mktemp -d /tmp/alm-qs-XXXXXX) || exit 1
chmod 755 "$tmp"  # PostgreSQL runs as another account when this runs as root
data="$tmp/data"
log="$tmp/make-run.log"
pgid=""

# The processes of make's process group (`ps -g` would select by session).
group_members() { [ -n "$pgid" ] && ps -eo pid=,pgid=,args= | awk -v g="$pgid" '$2 == g'; }
group_alive() { [ -n "$(group_members)" ]; }

# The pid of the PostgreSQL of $data, when one runs.
postmaster_alive() {
  local pidfile="$data/postgres/postmaster.pid" pid
  [ -f "$pidfile" ] || return 1
  pid=$(head -n 1 "$pidfile")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Waits up to $1 seconds for the process group to be gone.
wait_group_gone() {
  local deadline=$((SECONDS + $1))
  while group_alive && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  ! group_alive
}

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
  local pm
  if group_alive; then
    kill -TERM -- "-$pgid" 2>/dev/null
    wait_group_gone 60 || kill -KILL -- "-$pgid" 2>/dev/null
  fi
  if pm=$(postmaster_alive); then
    kill -INT "$pm" 2>/dev/null  # PostgreSQL's fast shutdown
    local deadline=$((SECONDS + 30))
    while kill -0 "$pm" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$("$py" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"

# -- start it the way the README says -----------------------------------------
echo "make -C $source_dir run  (ALMANAC_LISTEN=127.0.0.1:$port ALMANAC_DATA_DIR=$data)"
env -u ALMANAC_ADMIN_PASSWORD -u ALMANAC_CONFIG -u ALMANAC_DATABASE_URL \
  ALMANAC_LISTEN="127.0.0.1:$port" ALMANAC_DATA_DIR="$data" \
  make -C "$source_dir" run >"$log" 2>&1 </dev/null &
make_pid=$!
pgid=$make_pid
set +m  # the group exists now; no job-control notices in the output

ready=""
deadline=$((SECONDS + start_timeout))
while [ "$SECONDS" -lt "$deadline" ]; do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/.well-known/caldav")" = 301 ]; then
    ready=yes
    break
  fi
  kill -0 "$make_pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$ready" ]; then
  if kill -0 "$make_pid" 2>/dev/null; then
    fail "make run did not serve $base within ${start_timeout}s; its output:"
  else
    wait "$make_pid"
    fail "make run exited (status $?) without serving $base; its output:"
  fi
  tail -n 40 "$log" >&2
  exit 1
fi
pass "make run serves $base"

password=$(sed -n "s/^Created the account 'admin' with the password: \([^ ]*\)\$/\1/p" "$log")
count=$(printf '%s\n' "$password" | grep -c .)
if [ "$count" -ne 1 ]; then
  fail "expected the generated admin password once in the output, found $count; output:"
  tail -n 40 "$log" >&2
  exit 1
fi
pass "the generated admin password was printed"
netrc="$tmp/netrc"
(umask 077 && printf 'machine 127.0.0.1 login admin password %s\n' "$password" >"$netrc")

# -- discover like a client ---------------------------------------------------
# propfind URL PROPERTY NAMESPACE OUT: the status code, the body in OUT.
propfind() {
  curl -sS --max-time 30 --netrc-file "$netrc" -o "$4" -w '%{http_code}' -X PROPFIND \
    -H 'Depth: 0' -H 'Content-Type: application/xml; charset=utf-8' \
    --data-binary "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><P:$2 xmlns:P=\"$3\"/></D:prop></D:propfind>" \
    "$1"
}

# href_of FILE NAMESPACE PROPERTY: the href inside that property of a 207.
href_of() {
  "$py" - "$1" "$2" "$3" <<'EOF'
import sys
import xml.etree.ElementTree as ET
path, ns, name = sys.argv[1:]
root = ET.parse(path).getroot()
assert root.tag == "{DAV:}multistatus", root.tag
for prop in root.iter("{%s}%s" % (ns, name)):
    href = prop.find("{DAV:}href")
    if href is not None and href.text:
        print(href.text.strip())
        break
EOF
}

absolute() {  # absolute URL for an href or Location
  case "$1" in
    http://*|https://*) echo "$1" ;;
    /*) echo "$base$1" ;;
    *) echo "$base/$1" ;;
  esac
}

headers="$tmp/wellknown.headers"
code=$(curl -sS --max-time 30 -o /dev/null -D "$headers" -w '%{http_code}' "$base/.well-known/caldav")
location=$(sed -n 's/^[Ll]ocation: *\(.*\)\r\{0,1\}$/\1/p' "$headers" | tr -d '\r')
if [ "$code" = 301 ] && [ "$(absolute "$location")" = "$base/dav/" ]; then
  pass "GET /.well-known/caldav -> 301 $location"
else
  fail "GET /.well-known/caldav: expected 301 to /dav/, got $code Location '$location'"
fi
dav_url=$(absolute "${location:-/dav/}")

principal=""
code=$(propfind "$dav_url" current-user-principal DAV: "$tmp/cup.xml")
if [ "$code" = 207 ]; then
  principal=$(href_of "$tmp/cup.xml" DAV: current-user-principal)
fi
if [ "$principal" = /dav/principals/admin/ ] || [ "$principal" = "$base/dav/principals/admin/" ]; then
  pass "PROPFIND current-user-principal on $dav_url -> $principal"
else
  fail "PROPFIND current-user-principal on $dav_url: status $code, href '$principal'"
  [ -f "$tmp/cup.xml" ] && head -c 2000 "$tmp/cup.xml" >&2
fi

home=""
if [ -n "$principal" ]; then
  code=$(propfind "$(absolute "$principal")" calendar-home-set urn:ietf:params:xml:ns:caldav \
    "$tmp/home.xml")
  [ "$code" = 207 ] && home=$(href_of "$tmp/home.xml" urn:ietf:params:xml:ns:caldav calendar-home-set)
fi
if [ "$home" = /dav/calendars/admin/ ] || [ "$home" = "$base/dav/calendars/admin/" ]; then
  pass "PROPFIND calendar-home-set on $principal -> $home"
else
  fail "PROPFIND calendar-home-set on '$principal': status ${code:-none}, href '$home'"
  [ -f "$tmp/home.xml" ] && head -c 2000 "$tmp/home.xml" >&2
fi

code=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -u "admin:wrong-$password" \
  -X PROPFIND -H 'Depth: 0' "$dav_url")
if [ "$code" = 401 ]; then pass "a wrong password gets 401"; else fail "a wrong password got $code"; fi

# -- stop it ------------------------------------------------------------------
pm=$(postmaster_alive) || pm=""
[ -n "$pm" ] || fail "no PostgreSQL ran for $data while serving"
kill -TERM -- "-$pgid"
if wait_group_gone 60; then
  pass "SIGTERM stopped make and almanac"
else
  fail "processes left 60 s after SIGTERM: $(group_members | tr '\n' ';')"
fi
wait "$make_pid" 2>/dev/null
deadline=$((SECONDS + 15))
while [ -n "$pm" ] && kill -0 "$pm" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
if [ -n "$pm" ] && kill -0 "$pm" 2>/dev/null; then
  fail "PostgreSQL (pid $pm) still runs after the server stopped"
elif [ -e "$data/postgres/postmaster.pid" ]; then
  fail "$data/postgres/postmaster.pid is left behind"
else
  pass "the embedded PostgreSQL stopped"
fi
if grep -q "stopped PostgreSQL" "$log"; then
  pass "the server stopped its PostgreSQL itself"
else
  fail "the output does not say the server stopped PostgreSQL; its end:"
  tail -n 20 "$log" >&2
fi

if [ "$failures" -ne 0 ]; then
  echo "quickstart: $failures step(s) failed" >&2
  exit 1
fi
echo "quickstart: all steps passed"
exit 0
