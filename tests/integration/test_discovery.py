"""Service discovery the way CalDAV/CardDAV clients do it (RFC 6764 well-known
URIs, RFC 5397 current-user-principal, RFC 4791 §6.2.1 calendar-home-set,
RFC 6352 §7.1.1 addressbook-home-set, RFC 3744 principal properties), over
HTTP against the real server. XML is parsed with lxml and checked by
namespace."""

import uuid
from urllib.parse import quote, unquote, urlsplit

import pytest
import requests
from lxml import etree

from almanac_harness import CALDAV, CARDDAV, parse_multistatus

D = "{DAV:}"
C = "{%s}" % CALDAV
CR = "{%s}" % CARDDAV
AREAS = ["principals", "calendars", "addressbooks", "files"]
HOME_AREAS = ["calendars", "addressbooks", "files"]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def principal_path(user):
    return f"/dav/principals/{quote(user, safe='')}/"


def home_path(area, user):
    return f"/dav/{area}/{quote(user, safe='')}/"


def same_path(a, b):
    """Two hrefs name the same resource (percent-encoding may differ)."""
    return unquote(urlsplit(a).path) == unquote(urlsplit(b).path)


def only_response(response):
    """{clark name: (status, element)} of a one-response multistatus."""
    responses = parse_multistatus(response)
    assert len(responses) == 1, list(responses)
    return next(iter(responses.values()))


def found_prop(client, path, ns, local, depth="0"):
    """The element of one property of `path`, asserting it is found."""
    props = only_response(client.propfind(path, props=[(ns, local)], depth=depth))
    status, element = props[f"{{{ns}}}{local}"]
    assert status == 200, (path, local, status)
    return element


def single_href(element):
    hrefs = element.findall(D + "href")
    assert len(hrefs) == 1, etree.tostring(element)
    return hrefs[0].text.strip()


def current_user_principal(client, path):
    return single_href(found_prop(client, path, "DAV:", "current-user-principal"))


def listing(client, path, depth="1"):
    """The hrefs of a PROPFIND Depth 1 (resourcetype), decoded."""
    r = client.propfind(path, props=[("DAV:", "resourcetype")], depth=depth)
    return {unquote(h): props for h, props in parse_multistatus(r).items()}


def is_collection(resourcetype):
    return resourcetype.find(D + "collection") is not None


def privileges(element):
    """The privilege names of a current-user-privilege-set."""
    names = set()
    for privilege in element.findall(D + "privilege"):
        for child in privilege:
            names.add(etree.QName(child).localname)
    return names


def anonymous(method, server, path, **kwargs):
    return requests.request(method, server.url(path), allow_redirects=False, timeout=30, **kwargs)


def fresh_account(server, name):
    """A new account named `name` (made unique) and its client."""
    user, password = server.add_user(name)
    return server.client(user, password)


# ---------------------------------------------------------------------------
# Well-known URIs (RFC 6764 §5)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "PROPFIND"])
@pytest.mark.parametrize("service", ["caldav", "carddav"])
@pytest.mark.parametrize("authenticated", [True, False], ids=["with-credentials", "anonymous"])
def test_well_known_redirects_to_dav_root(server, alice, method, service, authenticated):
    path = f"/.well-known/{service}"
    headers = {"Depth": "0"} if method == "PROPFIND" else {}
    if authenticated:
        r = alice.request(method, path, headers=headers)
    else:
        r = anonymous(method, server, path, headers=headers)
    assert r.status_code == 301
    assert urlsplit(r.headers["Location"]).path == "/dav/"


def test_discovery_from_well_known_to_calendar_home(alice):
    """The walk a client makes: well-known -> context path ->
    current-user-principal -> calendar-home-set -> the home."""
    r = alice.request("PROPFIND", "/.well-known/caldav", headers={"Depth": "0"})
    context = urlsplit(r.headers["Location"]).path
    principal = current_user_principal(alice, context)
    home = single_href(found_prop(alice, principal, CALDAV, "calendar-home-set"))
    resourcetype = found_prop(alice, home, "DAV:", "resourcetype")
    assert is_collection(resourcetype)
    assert same_path(home, home_path("calendars", alice.user))


# ---------------------------------------------------------------------------
# current-user-principal (RFC 5397) everywhere
# ---------------------------------------------------------------------------

CUP_PATHS = ["/", "/dav/", "/dav/principals/", "/dav/calendars/", "/dav/addressbooks/",
             "/dav/files/", "principal", "calendars-home", "addressbooks-home", "files-home",
             "file"]


@pytest.mark.parametrize("where", CUP_PATHS)
def test_current_user_principal_is_the_same_on_every_dav_path(alice, where):
    if where == "principal":
        path = principal_path(alice.user)
    elif where.endswith("-home"):
        path = home_path(where[:-len("-home")], alice.user)
    elif where == "file":
        assert alice.request("PUT", alice.files("note.txt"), b"x").status_code == 201
        path = alice.files("note.txt")
    else:
        path = where
    href = current_user_principal(alice, path)
    assert href == f"/dav/principals/{alice.user}/"


# ---------------------------------------------------------------------------
# The principal's properties
# ---------------------------------------------------------------------------

PRINCIPAL_PROPS = [("DAV:", "resourcetype"), ("DAV:", "displayname"), ("DAV:", "principal-URL"),
                   (CALDAV, "calendar-home-set"), (CARDDAV, "addressbook-home-set"),
                   (CALDAV, "calendar-user-address-set"), ("DAV:", "current-user-privilege-set"),
                   ("DAV:", "owner"), ("DAV:", "supported-report-set"),
                   ("DAV:", "principal-collection-set"), ("DAV:", "current-user-principal")]


@pytest.fixture
def principal_props(alice):
    r = alice.propfind(principal_path(alice.user), props=PRINCIPAL_PROPS, depth="0")
    props = only_response(r)
    missing = {name: status for name, (status, _) in props.items() if status != 200}
    assert not missing, missing
    return {name: element for name, (_, element) in props.items()}


def test_principal_resourcetype_is_collection_and_principal(principal_props):
    resourcetype = principal_props[D + "resourcetype"]
    assert {child.tag for child in resourcetype} == {D + "collection", D + "principal"}


def test_principal_displayname_is_the_account_name(alice, principal_props):
    assert principal_props[D + "displayname"].text == alice.user


def test_principal_url_points_at_itself(alice, principal_props):
    assert single_href(principal_props[D + "principal-URL"]) == principal_path(alice.user)


@pytest.mark.parametrize("prop,area", [(C + "calendar-home-set", "calendars"),
                                       (CR + "addressbook-home-set", "addressbooks")])
def test_principal_home_sets_point_at_the_homes(alice, principal_props, prop, area):
    href = single_href(principal_props[prop])
    assert href == home_path(area, alice.user)
    assert is_collection(found_prop(alice, href, "DAV:", "resourcetype"))


def test_principal_calendar_user_address_set_has_an_address(principal_props):
    hrefs = [h.text.strip() for h in principal_props[C + "calendar-user-address-set"]
             .findall(D + "href")]
    assert hrefs and all(hrefs)


def test_principal_privileges_of_the_owner_include_read_and_write(principal_props):
    assert {"read", "write"} <= privileges(principal_props[D + "current-user-privilege-set"])


def test_principal_owner_and_collection_set(alice, principal_props):
    assert single_href(principal_props[D + "owner"]) == principal_path(alice.user)
    assert single_href(principal_props[D + "principal-collection-set"]) == "/dav/principals/"


def test_principal_supported_report_set_is_present(principal_props):
    report_set = principal_props[D + "supported-report-set"]
    for report in report_set:
        assert report.tag == D + "supported-report"
        assert report.find(D + "report") is not None


@pytest.mark.parametrize("area", HOME_AREAS)
def test_owner_has_every_write_privilege_on_own_homes(alice, area):
    privs = privileges(found_prop(alice, home_path(area, alice.user), "DAV:",
                                  "current-user-privilege-set"))
    assert {"read", "write", "write-content", "write-properties", "bind", "unbind"} <= privs


def test_virtual_dav_root_is_read_only(alice):
    privs = privileges(found_prop(alice, "/dav/", "DAV:", "current-user-privilege-set"))
    assert "read" in privs
    assert not {"write", "bind", "unbind"} & privs


# ---------------------------------------------------------------------------
# The DAV tree: /dav/, the area roots, the homes
# ---------------------------------------------------------------------------

def test_dav_root_depth1_lists_the_four_areas(alice):
    found = listing(alice, "/dav/")
    assert set(found) == {"/dav/"} | {f"/dav/{area}/" for area in AREAS}
    for props in found.values():
        assert is_collection(props[D + "resourcetype"][1])


@pytest.mark.parametrize("area", AREAS)
def test_area_root_depth1_lists_only_the_callers_own_entry(alice, bob, area):
    found = listing(alice, f"/dav/{area}/")
    assert set(found) == {f"/dav/{area}/", f"/dav/{area}/{alice.user}/"}
    assert f"/dav/{area}/{bob.user}/" not in found


@pytest.mark.parametrize("depth", ["0", "1"])
@pytest.mark.parametrize("area", HOME_AREAS)
def test_homes_answer_propfind_as_collections(alice, area, depth):
    home = home_path(area, alice.user)
    found = listing(alice, home, depth=depth)
    assert home in found
    assert is_collection(found[home][D + "resourcetype"][1])
    assert all(href.startswith(home) for href in found)
    if depth == "0":
        assert list(found) == [home]


def test_other_accounts_principal_is_not_readable(alice, bob):
    # RFC 3744 §7.1.1: 403 with DAV:need-privileges.
    r = alice.propfind(principal_path(bob.user), props=[("DAV:", "displayname")], depth="0")
    assert r.status_code == 403
    root = etree.fromstring(r.content)
    assert root.tag == D + "error" and root.find(D + "need-privileges") is not None


# ---------------------------------------------------------------------------
# Account names with '@' and '+'
# ---------------------------------------------------------------------------

@pytest.fixture
def mail_like(server):
    return fresh_account(server, f"x.y+{uuid.uuid4().hex[:8]}@example.com")


def test_mail_like_account_discovers_its_principal(mail_like):
    href = current_user_principal(mail_like, "/")
    assert unquote(href) == f"/dav/principals/{mail_like.user}/"
    props = only_response(mail_like.propfind(href, props=[("DAV:", "resourcetype"),
                                                         ("DAV:", "displayname")]))
    assert props[D + "displayname"][1].text == mail_like.user
    assert D + "principal" in {c.tag for c in props[D + "resourcetype"][1]}


@pytest.mark.parametrize("prop,area", [((CALDAV, "calendar-home-set"), "calendars"),
                                       ((CARDDAV, "addressbook-home-set"), "addressbooks")])
def test_mail_like_account_home_set_hrefs_resolve(mail_like, prop, area):
    principal = current_user_principal(mail_like, "/dav/")
    home = single_href(found_prop(mail_like, principal, *prop))
    assert unquote(home) == f"/dav/{area}/{mail_like.user}/"
    found = listing(mail_like, home, depth="0")
    assert list(found) == [unquote(home)]
    assert is_collection(found[unquote(home)][D + "resourcetype"][1])


def test_mail_like_account_file_hrefs_resolve(mail_like):
    r = mail_like.request("PUT", mail_like.files(quote("a b.txt")), b"mail-like")
    assert r.status_code == 201
    r = mail_like.propfind(mail_like.files(""), props=[("DAV:", "resourcetype")], depth="1")
    members = [h for h in parse_multistatus(r) if not h.endswith("/")]
    assert [unquote(h) for h in members] == [f"/dav/files/{mail_like.user}/a b.txt"]
    r = mail_like.request("GET", members[0])
    assert r.status_code == 200 and r.content == b"mail-like"


# ---------------------------------------------------------------------------
# Authentication (RFC 7235, RFC 7617)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/dav/", "principal"])
def test_unauthenticated_propfind_is_401_with_basic_challenge(server, alice, path):
    path = principal_path(alice.user) if path == "principal" else path
    r = anonymous("PROPFIND", server, path, headers={"Depth": "0"})
    assert r.status_code == 401
    challenge = r.headers["WWW-Authenticate"]
    assert challenge.lower().startswith("basic ")
    assert 'realm="' in challenge


def test_wrong_password_is_401(server, alice):
    r = requests.request("PROPFIND", server.url("/dav/"), headers={"Depth": "0"},
                         auth=(alice.user, "not-the-password"), timeout=30)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].lower().startswith("basic ")
