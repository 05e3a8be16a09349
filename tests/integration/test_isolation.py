"""Access control (issue 2 item 10): an account sees and changes only its own
principal, homes and files. Every method against every kind of resource of
another account, as the owner, as another account and anonymously; and the
ways around it: '..', encoded slashes, Destination headers and If-header tags
pointing into another account. Nothing of the other account may appear in any
response."""

from urllib.parse import quote

import pytest

from almanac_harness import parse_multistatus

SECRET = "alice-secret-7f3a91"

PROPFIND_BODY = '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
PROPPATCH_BODY = ('<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop>'
                  '<x:color xmlns:x="urn:x">red</x:color></D:prop></D:set></D:propertyupdate>')
LOCK_BODY = ('<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>'
             '</D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>')


@pytest.fixture
def world(server, alice, bob):
    """alice owns a folder, a file and dead properties; bob is a stranger."""
    a = quote(alice.user, safe="")
    assert alice.request("MKCOL", alice.files("folder/")).status_code == 201
    assert alice.request("PUT", alice.files("folder/secret.txt"), SECRET,
                         {"Content-Type": "text/plain"}).status_code == 201
    r = alice.request("PROPPATCH", alice.files("folder/secret.txt"),
                      PROPPATCH_BODY.replace("red", SECRET))
    assert r.status_code == 207
    anonymous = server.client("", "")
    anonymous.session.auth = None
    return {
        "alice": alice, "bob": bob, "anonymous": anonymous,
        "paths": {
            "principal": f"/dav/principals/{a}/",
            "calendar-home": f"/dav/calendars/{a}/",
            "addressbook-home": f"/dav/addressbooks/{a}/",
            "files-home": f"/dav/files/{a}/",
            "collection": f"/dav/files/{a}/folder/",
            "file": f"/dav/files/{a}/folder/secret.txt",
            "unmapped": f"/dav/files/{a}/folder/new.txt",
        },
    }


def request(client, method, path, server):
    headers = {}
    body = None
    if method == "PROPFIND":
        headers["Depth"] = "1"
        body = PROPFIND_BODY
    elif method == "PROPPATCH":
        body = PROPPATCH_BODY
    elif method == "PUT":
        body = "overwritten by a stranger"
    elif method == "LOCK":
        body = LOCK_BODY
    elif method in ("COPY", "MOVE"):
        headers["Destination"] = server.url(path.rstrip("/") + "-copy")
    elif method == "UNLOCK":
        headers["Lock-Token"] = "<urn:uuid:00000000-0000-4000-8000-000000000000>"
    elif method == "REPORT":
        body = ('<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token/>'
                '<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>')
    return client.request(method, path, body, headers)


METHODS = ["GET", "HEAD", "PROPFIND", "PROPPATCH", "PUT", "DELETE", "MKCOL", "COPY", "MOVE",
           "LOCK", "UNLOCK", "REPORT", "OPTIONS"]
KINDS = ["principal", "calendar-home", "addressbook-home", "files-home", "collection", "file",
         "unmapped"]


@pytest.mark.parametrize("method", METHODS)
def test_other_account_and_anonymous_get_nothing(world, server, method):
    for kind in KINDS:
        path = world["paths"][kind]
        for who in ("bob", "anonymous"):
            r = request(world[who], method, path, server)
            where = f"{method} {kind} as {who}: {r.status_code}"
            assert SECRET not in r.text, where
            assert world["alice"].user not in r.text or method == "OPTIONS" and not r.text, where
            if method == "OPTIONS":
                # Headers only: the same answer whoever asks, and no body.
                assert r.status_code == 200 and r.content == b"", where
            elif who == "anonymous":
                assert r.status_code == 401, where
                assert r.headers["WWW-Authenticate"].startswith("Basic realm="), where
            else:
                assert r.status_code in (403, 404), where
    # alice's data is untouched by all of it.
    alice = world["alice"]
    r = alice.request("GET", world["paths"]["file"])
    assert r.status_code == 200 and r.text == SECRET
    assert alice.request("GET", world["paths"]["unmapped"]).status_code == 404
    assert alice.request("GET", world["paths"]["file"].rstrip("/") + "-copy").status_code == 404


@pytest.mark.parametrize("method", ["GET", "PROPFIND", "PUT", "DELETE", "PROPPATCH", "MKCOL"])
def test_owner_reaches_every_kind_of_own_resource(world, server, method):
    """The same table as the owner: each request is answered from the owner's
    data (the 2xx/4xx a resource of that kind gives), never 401/403."""
    expected = {
        ("GET", "file"): 200, ("PROPFIND", "file"): 207, ("PROPFIND", "principal"): 207,
        ("PROPFIND", "files-home"): 207, ("PUT", "unmapped"): 201, ("PROPPATCH", "file"): 207,
        ("MKCOL", "unmapped"): 201, ("DELETE", "file"): 204,
    }
    # The collection last: deleting it takes the file with it.
    for kind in sorted(KINDS, key=lambda k: k == "collection"):
        r = request(world["alice"], method, world["paths"][kind], server)
        assert r.status_code not in (401, 403) or kind in ("principal", "calendar-home",
                                                           "addressbook-home", "files-home"), \
            f"{method} {kind}: {r.status_code}"
        if (method, kind) in expected:
            assert r.status_code == expected[(method, kind)], f"{method} {kind}: {r.status_code}"
        if r.status_code in (201, 204) and kind == "unmapped":
            world["alice"].request("DELETE", world["paths"]["unmapped"])


def test_unknown_account_looks_like_any_other_account(server, bob):
    """403 is decided from the path alone: whether an account exists is not
    revealed."""
    for name in ("no-such-user-3b1c", "admin"):
        for path in (f"/dav/files/{name}/", f"/dav/principals/{name}/", f"/dav/calendars/{name}/"):
            r = bob.propfind(path, depth="0")
            assert r.status_code == 403, (path, r.status_code)


@pytest.mark.parametrize("path", [
    "/dav/files/{bob}/../{alice}/folder/secret.txt",
    "/dav/files/{bob}/%2e%2e/{alice}/folder/secret.txt",
    "/dav/files/{bob}/%2E%2E/%2E%2E/files/{alice}/folder/secret.txt",
    "/dav/files/{bob}%2F..%2F{alice}/folder/secret.txt",
    "/dav/files/{bob}/..%2f{alice}/folder/secret.txt",
    "/dav/files/{bob}/./../{alice}/folder/secret.txt",
    "/dav/files/{alice}%00/folder/secret.txt",
])
def test_traversal_is_refused(world, server, path):
    bob = world["bob"]
    target = path.format(bob=quote(bob.user, safe=""), alice=quote(world["alice"].user, safe=""))
    # requests would normalise dot segments; send the target exactly as written.
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    import base64
    token = base64.b64encode(f"{bob.user}:secret-pw".encode()).decode()
    for method in ("GET", "PROPFIND", "DELETE"):
        connection.request(method, target, headers={"Authorization": f"Basic {token}", "Depth": "0"})
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        assert response.status in (400, 403, 404), (method, target, response.status)
        assert SECRET not in body
    connection.close()
    assert world["alice"].request("GET", world["paths"]["file"]).text == SECRET


def test_destination_into_another_account_is_refused(world, server):
    bob, alice = world["bob"], world["alice"]
    assert bob.request("PUT", bob.files("mine.txt"), "bob's").status_code == 201
    a = quote(alice.user, safe="")
    for method in ("COPY", "MOVE"):
        for destination in (server.url(f"/dav/files/{a}/folder/stolen.txt"),
                            f"/dav/files/{a}/folder/stolen.txt",
                            server.url(f"/dav/files/{quote(bob.user, safe='')}/../{a}/x.txt")):
            r = bob.request(method, bob.files("mine.txt"), headers={"Destination": destination})
            assert r.status_code in (400, 403), (method, destination, r.status_code)
    # Overwrite alice's file by MOVE onto it: refused too.
    r = bob.request("MOVE", bob.files("mine.txt"),
                    headers={"Destination": server.url(world["paths"]["file"]), "Overwrite": "T"})
    assert r.status_code == 403
    assert alice.request("GET", world["paths"]["file"]).text == SECRET
    assert alice.request("GET", f"/dav/files/{a}/folder/stolen.txt").status_code == 404
    assert bob.request("GET", bob.files("mine.txt")).text == "bob's"


def test_if_header_tag_in_another_account_grants_nothing(world, server):
    """A tagged If list naming alice's resource cannot make bob's request
    succeed or tell him alice's ETag: it evaluates as an unknown resource."""
    bob, alice = world["bob"], world["alice"]
    etag = alice.request("HEAD", world["paths"]["file"]).headers["ETag"]
    assert bob.request("PUT", bob.files("t.txt"), "x").status_code == 201
    tag = server.url(world["paths"]["file"])
    r = bob.request("PUT", bob.files("t.txt"), "y", {"If": f"<{tag}> ([{etag}])"})
    assert r.status_code == 412
    r = bob.request("PUT", bob.files("t.txt"), "y", {"If": f"<{tag}> (Not [{etag}])"})
    assert r.status_code == 412


def test_listings_show_only_own_entries(world, server):
    bob = world["bob"]
    for path in ("/dav/principals/", "/dav/files/", "/dav/calendars/", "/dav/addressbooks/"):
        hrefs = set(parse_multistatus(bob.propfind(path, [("DAV:", "resourcetype")], depth="1")))
        assert path in hrefs
        others = hrefs - {path}
        assert len(others) == 1, hrefs
        assert quote(bob.user, safe="") in next(iter(others))
        assert not any(quote(world["alice"].user, safe="") in h for h in hrefs)


def test_lock_token_of_another_account_is_useless(world, server):
    """bob cannot unlock or write through alice's lock, even knowing its token."""
    alice, bob = world["alice"], world["bob"]
    r = alice.request("LOCK", world["paths"]["file"], LOCK_BODY, {"Timeout": "Second-60"})
    assert r.status_code == 200
    token = r.headers["Lock-Token"]
    r = bob.request("UNLOCK", world["paths"]["file"], headers={"Lock-Token": token})
    assert r.status_code == 403
    r = bob.request("PUT", world["paths"]["file"], "x", {"If": f"({token})"})
    assert r.status_code == 403
    assert alice.request("UNLOCK", world["paths"]["file"], headers={"Lock-Token": token}).status_code == 204
