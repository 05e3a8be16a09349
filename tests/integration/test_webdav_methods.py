"""WebDAV methods (RFC 4918, RFC 5689, RFC 7232) on the plain file area
/dav/files/<user>/, driven over HTTP against the real server.

Every test works in a fresh account (the `alice` / `bob` fixtures), so tests
do not see each other's data. XML bodies are parsed with lxml and checked by
namespace and element, never by substring."""

import email.utils
import re
import time
from urllib.parse import quote, unquote

import pytest
import requests
from lxml import etree
from lxml import html as lxml_html

from almanac_harness import parse_multistatus

D = "{DAV:}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_TYPE = {"Content-Type": 'application/xml; charset="utf-8"'}
XML_DECL = '<?xml version="1.0" encoding="utf-8"?>'
MAX_LOCK_TIMEOUT = 3600  # the server's default lock_timeout (1h) is also the cap


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def seg(name):
    """One percent-encoded path segment."""
    return quote(name, safe="")


def status_code(status_line):
    """'HTTP/1.1 404 Not Found' -> 404."""
    return int(status_line.split()[1])


def xml_body(response):
    content_type = response.headers.get("Content-Type", "")
    assert "xml" in content_type, (response.status_code, content_type, response.text[:500])
    return etree.fromstring(response.content)


def assert_dav_error(response, status, condition):
    """The response has `status` and a DAV:error body whose child is
    DAV:<condition> (RFC 4918 §16); returns that child."""
    assert response.status_code == status, (response.status_code, response.text[:1000])
    root = xml_body(response)
    assert root.tag == D + "error", root.tag
    element = root.find(D + condition)
    assert element is not None, etree.tostring(root)
    return element


def hrefs_in(element):
    return [unquote(h.text) for h in element.findall(D + "href")]


def dav_classes(response):
    return {c.strip() for c in response.headers["DAV"].split(",")}


def allowed(response):
    return {m.strip() for m in response.headers["Allow"].split(",")}


def put(client, path, body=b"data", content_type="text/plain", headers=None, expect=201):
    h = {"Content-Type": content_type}
    h.update(headers or {})
    r = client.request("PUT", path, body, h)
    if expect is not None:
        assert r.status_code == expect, (r.status_code, r.text[:500])
    return r


def get_body(client, path):
    r = client.request("GET", path)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return r.content


def mkcol(client, path, body=None, headers=None, expect=201):
    r = client.request("MKCOL", path, body, headers)
    if expect is not None:
        assert r.status_code == expect, (r.status_code, r.text[:500])
    return r


def exists(client, path):
    r = client.propfind(path, props=[("DAV:", "resourcetype")], depth="0")
    assert r.status_code in (207, 404), (r.status_code, r.text[:300])
    return r.status_code == 207


def propfind_body(props):
    """A DAV:prop PROPFIND body for (namespace, local) pairs; "" is no
    namespace."""
    inner = "".join(f'<{local} xmlns=""/>' if ns == "" else f'<x:{local} xmlns:x="{ns}"/>'
                    for ns, local in props)
    return f'{XML_DECL}<D:propfind xmlns:D="DAV:"><D:prop>{inner}</D:prop></D:propfind>'


def props_of(client, path, props, headers=None):
    """PROPFIND Depth 0 for `props`: {clark name: (status, element)} of the
    one response."""
    r = client.propfind(path, depth="0", body=propfind_body(props), headers=headers)
    responses = parse_multistatus(r)
    assert len(responses) == 1, list(responses)
    return next(iter(responses.values()))


def prop_value(client, path, ns, local):
    """The element of one property, asserting it is found (200)."""
    found = props_of(client, path, [(ns, local)])
    key = f"{{{ns}}}{local}" if ns else local
    status, element = found[key]
    assert status == 200, (key, status)
    return element


def prop_status(client, path, ns, local):
    key = f"{{{ns}}}{local}" if ns else local
    return props_of(client, path, [(ns, local)])[key][0]


def multistatus_responses(response):
    """The DAV:response elements of a 207 (raw, for propstat structure)."""
    assert response.status_code == 207, (response.status_code, response.text[:1000])
    root = etree.fromstring(response.content)
    assert root.tag == D + "multistatus"
    return root.findall(D + "response")


def propstats(response_element):
    """[(status, [property elements], error element or None)] in order."""
    out = []
    for ps in response_element.findall(D + "propstat"):
        out.append((status_code(ps.findtext(D + "status")), list(ps.find(D + "prop")),
                    ps.find(D + "error")))
    return out


def proppatch(client, path, set_xml="", remove_xml="", headers=None, prop_attrs=""):
    body = XML_DECL + '<D:propertyupdate xmlns:D="DAV:">'
    if set_xml:
        body += f"<D:set><D:prop{prop_attrs}>{set_xml}</D:prop></D:set>"
    if remove_xml:
        body += f"<D:remove><D:prop>{remove_xml}</D:prop></D:remove>"
    body += "</D:propertyupdate>"
    h = dict(XML_TYPE)
    h.update(headers or {})
    return client.request("PROPPATCH", path, body, h)


def proppatch_statuses(response):
    """{clark name: status} of a one-resource PROPPATCH 207."""
    (resp,) = multistatus_responses(response)
    return {prop.tag: status for status, props, _ in propstats(resp) for prop in props}


def set_dead(client, path, set_xml):
    r = proppatch(client, path, set_xml)
    statuses = proppatch_statuses(r)
    assert set(statuses.values()) == {200}, statuses


def canonical(element, keep_tail=False):
    """Comparable form of an element: Clark names, attributes, every piece
    of character data (whitespace is significant, RFC 4918 §4.3)."""
    children = tuple(canonical(c, True) for c in element if isinstance(c.tag, str))
    return (element.tag, tuple(sorted(element.attrib.items())), element.text or "", children,
            (element.tail or "") if keep_tail else "")


def lang_in_scope(element):
    while element is not None:
        if XML_LANG in element.attrib:
            return element.attrib[XML_LANG]
        element = element.getparent()
    return None


def http_date(offset_seconds=0):
    return email.utils.formatdate(time.time() + offset_seconds, usegmt=True)


# -- locks -----------------------------------------------------------------

def lockinfo(scope="exclusive", owner="mailto:alice@example.com"):
    return (f'{XML_DECL}<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:{scope}/></D:lockscope>'
            f'<D:locktype><D:write/></D:locktype><D:owner><D:href>{owner}</D:href></D:owner>'
            '</D:lockinfo>')


def lock(client, path, scope="exclusive", depth="infinity", timeout=None, headers=None):
    h = dict(XML_TYPE, Depth=depth)
    if timeout:
        h["Timeout"] = timeout
    h.update(headers or {})
    return client.request("LOCK", path, lockinfo(scope), h)


def take_lock(client, path, **kwargs):
    """Locks `path` and returns the lock token (without the angle brackets)."""
    r = lock(client, path, **kwargs)
    assert r.status_code in (200, 201), (r.status_code, r.text[:500])
    header = r.headers["Lock-Token"].strip()
    assert header.startswith("<") and header.endswith(">"), header
    return header[1:-1]


def with_token(token):
    return {"If": f"(<{token}>)"}


def active_locks(element):
    """The DAV:activelock elements below a lockdiscovery (or LOCK body)."""
    return element.iter(D + "activelock")


def lock_timeout(activelock):
    text = activelock.findtext(D + "timeout").strip()
    match = re.fullmatch(r"Second-(\d+)", text)
    assert match, text
    return int(match.group(1))


def lockdiscovery(client, path):
    return prop_value(client, path, "DAV:", "lockdiscovery")


# -- COPY / MOVE -------------------------------------------------------------

def copy_move(client, method, source, destination, headers=None, absolute=True):
    h = {"Destination": client.server.url(destination) if absolute else destination}
    h.update(headers or {})
    return client.request(method, source, headers=h)


# ---------------------------------------------------------------------------
# OPTIONS (RFC 4918 §10.1, §18)
# ---------------------------------------------------------------------------

DAV_CLASSES = {"1", "2", "3", "extended-mkcol", "access-control"}


def test_options_on_collection_announces_dav_classes_and_collection_methods(alice):
    mkcol(alice, alice.files("folder/"))
    r = alice.request("OPTIONS", alice.files("folder/"))
    assert r.status_code == 200
    assert DAV_CLASSES <= dav_classes(r)
    methods = allowed(r)
    assert {"OPTIONS", "GET", "HEAD", "PROPFIND", "PROPPATCH", "DELETE", "COPY", "MOVE", "LOCK",
            "UNLOCK"} <= methods
    assert "PUT" not in methods and "MKCOL" not in methods  # both 405 on a collection


def test_options_on_file_allows_put_but_not_mkcol(alice):
    put(alice, alice.files("a.txt"))
    r = alice.request("OPTIONS", alice.files("a.txt"))
    assert r.status_code == 200
    assert DAV_CLASSES <= dav_classes(r)
    methods = allowed(r)
    assert {"OPTIONS", "GET", "HEAD", "PUT", "DELETE", "PROPFIND", "PROPPATCH", "COPY", "MOVE",
            "LOCK", "UNLOCK"} <= methods
    assert "MKCOL" not in methods


def test_options_on_unmapped_url_allows_creation_methods_only(alice):
    r = alice.request("OPTIONS", alice.files("nothing-here"))
    assert r.status_code == 200
    assert DAV_CLASSES <= dav_classes(r)
    methods = allowed(r)
    assert {"PUT", "MKCOL", "LOCK", "OPTIONS"} <= methods
    assert not {"DELETE", "MOVE", "COPY", "PROPPATCH"} & methods


@pytest.mark.parametrize("path", ["/dav/", "/"])
def test_options_on_dav_root_and_server_root(alice, path):
    r = alice.request("OPTIONS", path)
    assert r.status_code == 200
    assert DAV_CLASSES <= dav_classes(r)
    methods = allowed(r)
    assert {"OPTIONS", "PROPFIND"} <= methods
    assert not {"PUT", "DELETE", "MKCOL"} & methods


@pytest.mark.parametrize("where", ["dav-root", "file-area"])
def test_options_works_without_credentials(server, alice, where):
    path = "/dav/" if where == "dav-root" else alice.files("")
    r = requests.request("OPTIONS", server.url(path), timeout=30)
    assert r.status_code == 200, r.text
    assert DAV_CLASSES <= dav_classes(r)
    assert "OPTIONS" in allowed(r)


# ---------------------------------------------------------------------------
# PROPFIND (RFC 4918 §9.1)
# ---------------------------------------------------------------------------

def test_propfind_depth0_answers_for_the_collection_only(alice):
    mkcol(alice, alice.files("c/"))
    put(alice, alice.files("c/member.txt"))
    r = alice.propfind(alice.files("c/"), props=[("DAV:", "resourcetype")], depth="0")
    responses = parse_multistatus(r)
    assert [unquote(h) for h in responses] == [unquote(alice.files("c/"))]
    (_, resourcetype) = responses[next(iter(responses))]["{DAV:}resourcetype"]
    assert resourcetype.find(D + "collection") is not None


def test_propfind_depth1_lists_members_and_collection_hrefs_end_with_slash(alice):
    mkcol(alice, alice.files("c/"))
    mkcol(alice, alice.files("c/sub/"))
    put(alice, alice.files("c/file.txt"))
    r = alice.propfind(alice.files("c/"), props=[("DAV:", "resourcetype")], depth="1")
    responses = parse_multistatus(r)
    by_path = {unquote(h): props for h, props in responses.items()}
    assert set(by_path) == {unquote(alice.files(p)) for p in ("c/", "c/sub/", "c/file.txt")}
    for path, props in by_path.items():
        is_collection = props["{DAV:}resourcetype"][1].find(D + "collection") is not None
        assert path.endswith("/") == is_collection, path


def test_propfind_prop_puts_found_and_missing_in_separate_propstats(alice):
    put(alice, alice.files("a.txt"), b"12345")
    body = propfind_body([("DAV:", "getcontentlength"), ("urn:example:missing", "nothere"),
                          ("DAV:", "getetag")])
    r = alice.propfind(alice.files("a.txt"), body=body)
    (response,) = multistatus_responses(r)
    groups = {status: {p.tag for p in props} for status, props, _ in propstats(response)}
    assert groups == {200: {"{DAV:}getcontentlength", "{DAV:}getetag"},
                      404: {"{urn:example:missing}nothere"}}
    found = {p.tag: p for status, props, _ in propstats(response) if status == 200 for p in props}
    assert found["{DAV:}getcontentlength"].text == "5"


RFC4918_FILE_LIVE_PROPERTIES = {"resourcetype", "creationdate", "getlastmodified",
                                "getcontentlength", "getcontenttype", "getetag",
                                "lockdiscovery", "supportedlock"}


def test_propfind_allprop_returns_rfc4918_live_and_dead_properties(alice):
    put(alice, alice.files("a.txt"), b"abc")
    set_dead(alice, alice.files("a.txt"), '<x:colour xmlns:x="urn:example:a">blue</x:colour>')
    props = parse_multistatus(alice.propfind(alice.files("a.txt"), depth="0"))
    (found,) = props.values()
    assert {f"{{DAV:}}{name}" for name in RFC4918_FILE_LIVE_PROPERTIES} <= set(found)
    assert all(found[f"{{DAV:}}{name}"][0] == 200 for name in RFC4918_FILE_LIVE_PROPERTIES)
    status, colour = found["{urn:example:a}colour"]
    assert status == 200 and colour.text == "blue"


def test_propfind_allprop_with_include_adds_the_included_live_property(alice):
    put(alice, alice.files("a.txt"))
    body = (f'{XML_DECL}<D:propfind xmlns:D="DAV:"><D:allprop/><D:include>'
            '<D:current-user-principal/><D:owner/></D:include></D:propfind>')
    (found,) = parse_multistatus(alice.propfind(alice.files("a.txt"), body=body)).values()
    principal = f"/dav/principals/{alice.user}/"
    for name in ("current-user-principal", "owner"):
        status, element = found[f"{{DAV:}}{name}"]
        assert status == 200
        assert hrefs_in(element) == [principal]
    assert "{DAV:}getetag" in found  # still allprop


def test_propfind_propname_lists_names_without_values(alice):
    put(alice, alice.files("a.txt"), b"abc")
    set_dead(alice, alice.files("a.txt"), '<x:colour xmlns:x="urn:example:a">blue</x:colour>')
    body = f'{XML_DECL}<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>'
    (response,) = multistatus_responses(alice.propfind(alice.files("a.txt"), body=body))
    groups = propstats(response)
    assert [status for status, _, _ in groups] == [200]
    names = {p.tag: p for p in groups[0][1]}
    assert {"{DAV:}getetag", "{DAV:}resourcetype", "{urn:example:a}colour"} <= set(names)
    for element in names.values():
        assert len(element) == 0 and not (element.text or "").strip(), etree.tostring(element)


@pytest.mark.parametrize("depth", ["infinity", None], ids=["depth-infinity", "no-depth-header"])
def test_propfind_infinite_depth_is_refused_with_finite_depth_condition(alice, depth):
    headers = dict(XML_TYPE)
    if depth:
        headers["Depth"] = depth
    body = f'{XML_DECL}<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
    r = alice.request("PROPFIND", alice.files(""), body, headers)
    assert_dav_error(r, 403, "propfind-finite-depth")


@pytest.mark.parametrize("body", [
    '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag></D:prop></D:propfind>',
    '<D:propfind xmlns:D="DAV:"><D:allprop/>',
    '<X:propfind xmlns:D="DAV:"><D:allprop/></X:propfind>',
], ids=["mismatched-tag", "unclosed", "unbound-prefix"])
def test_propfind_malformed_xml_is_400(alice, body):
    r = alice.propfind(alice.files(""), body=body)
    assert r.status_code == 400, r.text


def test_propfind_body_with_doctype_is_400(alice):
    body = ('<?xml version="1.0"?><!DOCTYPE D:propfind [<!ENTITY x "getetag">]>'
            '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>')
    r = alice.propfind(alice.files(""), body=body)
    assert r.status_code == 400, r.text


def test_propfind_empty_body_is_allprop(alice):
    put(alice, alice.files("a.txt"), b"abc")
    set_dead(alice, alice.files("a.txt"), '<x:colour xmlns:x="urn:example:a">red</x:colour>')
    r = alice.request("PROPFIND", alice.files("a.txt"), b"", {"Depth": "0"})
    (found,) = parse_multistatus(r).values()
    assert {f"{{DAV:}}{name}" for name in RFC4918_FILE_LIVE_PROPERTIES} <= set(found)
    assert found["{urn:example:a}colour"][1].text == "red"


@pytest.mark.parametrize("header", [{"Prefer": "return=minimal"}, {"Brief": "t"}],
                         ids=["prefer-return-minimal", "brief-t"])
def test_propfind_minimal_drops_the_404_propstat(alice, header):
    put(alice, alice.files("a.txt"))
    body = propfind_body([("DAV:", "getetag"), ("urn:example:missing", "nothere")])
    r = alice.propfind(alice.files("a.txt"), body=body, headers=header)
    (response,) = multistatus_responses(r)
    groups = propstats(response)
    assert [status for status, _, _ in groups] == [200]
    assert [p.tag for p in groups[0][1]] == ["{DAV:}getetag"]


def test_propfind_getetag_equals_etag_header_of_get(alice):
    put(alice, alice.files("a.txt"), b"etag me")
    get_etag = alice.request("GET", alice.files("a.txt")).headers["ETag"]
    assert prop_value(alice, alice.files("a.txt"), "DAV:", "getetag").text == get_etag


AWKWARD_NAMES = ["with space.txt", "at@sign.txt", "plus+sign.txt", "100% sure.txt",
                 "Ünïcødé 日本.txt", "a&b=c;d.txt", "hash#1.txt", "what?.txt"]
URI_PATH = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")


def test_propfind_member_hrefs_are_percent_encoded_and_resolve(alice):
    bodies = {}
    for index, name in enumerate(AWKWARD_NAMES):
        bodies[name] = f"body {index}: {name}".encode()
        put(alice, alice.files(seg(name)), bodies[name])
    mkcol(alice, alice.files(seg("folder with space") + "/"))
    r = alice.propfind(alice.files(""), props=[("DAV:", "resourcetype")], depth="1")
    hrefs = [h for h in parse_multistatus(r) if unquote(h) != unquote(alice.files(""))]
    home = unquote(alice.files(""))
    seen = {}
    for href in hrefs:
        assert URI_PATH.match(href), f"href is not a valid encoded URI path: {href!r}"
        seen[unquote(href)[len(home):]] = href
    assert set(seen) == set(AWKWARD_NAMES) | {"folder with space/"}
    for name in AWKWARD_NAMES:
        assert get_body(alice, seen[name]) == bodies[name], name
    assert seen["folder with space/"].endswith("/")


def test_propfind_lockdiscovery_shows_the_active_lock(alice):
    put(alice, alice.files("a.txt"))
    token = take_lock(alice, alice.files("a.txt"), depth="0")
    (active,) = active_locks(lockdiscovery(alice, alice.files("a.txt")))
    assert active.find(f"{D}lockscope/{D}exclusive") is not None
    assert active.find(f"{D}locktype/{D}write") is not None
    assert active.findtext(D + "depth") == "0"
    assert active.findtext(f"{D}locktoken/{D}href").strip() == token
    assert hrefs_in(active.find(D + "lockroot")) == [unquote(alice.files("a.txt"))]


def test_propfind_lockdiscovery_of_a_member_shows_the_inherited_lock(alice):
    mkcol(alice, alice.files("c/"))
    put(alice, alice.files("c/m.txt"))
    token = take_lock(alice, alice.files("c/"), depth="infinity")
    (active,) = active_locks(lockdiscovery(alice, alice.files("c/m.txt")))
    assert active.findtext(f"{D}locktoken/{D}href").strip() == token
    assert hrefs_in(active.find(D + "lockroot")) == [unquote(alice.files("c/"))]


def test_propfind_supportedlock_lists_exclusive_and_shared_write(alice):
    put(alice, alice.files("a.txt"))
    supported = prop_value(alice, alice.files("a.txt"), "DAV:", "supportedlock")
    entries = set()
    for entry in supported.findall(D + "lockentry"):
        (scope,) = list(entry.find(D + "lockscope"))
        (kind,) = list(entry.find(D + "locktype"))
        entries.add((scope.tag, kind.tag))
    assert entries == {(D + "exclusive", D + "write"), (D + "shared", D + "write")}


def test_propfind_on_missing_resource_is_404(alice):
    r = alice.propfind(alice.files("missing.txt"), props=[("DAV:", "getetag")])
    assert r.status_code == 404


# ---------------------------------------------------------------------------
# PROPPATCH (RFC 4918 §9.2, §4.3)
# ---------------------------------------------------------------------------

DEAD_VALUES = {
    "nested": '<x:nested xmlns:x="urn:example:a"><x:l1><x:l2 kind="v">deep</x:l2>'
              '<y:other xmlns:y="urn:example:b"/></x:l1></x:nested>',
    "mixed-content": '<x:mixed xmlns:x="urn:example:a">Hello <x:b>bold</x:b> and '
                     '<y:i xmlns:y="urn:example:b">italic</y:i> world</x:mixed>',
    "xml-lang": '<x:title xmlns:x="urn:example:a" xml:lang="de-CH">Grüezi <x:em '
                'xml:lang="fr">salut</x:em></x:title>',
    "empty-namespace": '<plain xmlns="">no namespace <inner>child</inner></plain>',
    "high-unicode": '<x:emoji xmlns:x="urn:example:c">𝄞 😀 日本語 Ω\U0010FFFD</x:emoji>',
    "whitespace": '<x:spaced xmlns:x="urn:example:a">  two  spaces\n\tand a tab  '
                  '<x:e> </x:e>\n</x:spaced>',
    "attributes": '<x:attrs xmlns:x="urn:example:a" xmlns:z="urn:example:z" plain="1" '
                  'z:qualified="two &amp; &lt;three&gt; &quot;q&quot;"/>',
    "escaped-text": '<x:esc xmlns:x="urn:example:a">a &lt; b &amp;&amp; c &gt; d</x:esc>',
    "empty-value": '<x:empty xmlns:x="urn:example:a"/>',
}


def sent_property(fragment):
    """The property element as the server received it (comments dropped,
    CDATA as text)."""
    parser = etree.XMLParser(remove_comments=True, strip_cdata=True)
    return etree.fromstring(fragment.encode(), parser)


@pytest.mark.parametrize("kind", list(DEAD_VALUES))
def test_proppatch_dead_property_round_trips_exactly(alice, kind):
    put(alice, alice.files("a.txt"))
    fragment = DEAD_VALUES[kind]
    sent = sent_property(fragment)
    qname = etree.QName(sent)
    r = proppatch(alice, alice.files("a.txt"), fragment)
    assert proppatch_statuses(r) == {sent.tag: 200}
    returned = prop_value(alice, alice.files("a.txt"), qname.namespace or "", qname.localname)
    assert canonical(returned) == canonical(sent)


def test_proppatch_sets_properties_in_several_namespaces_in_one_request(alice):
    put(alice, alice.files("a.txt"))
    fragments = [DEAD_VALUES["nested"], DEAD_VALUES["mixed-content"],
                 '<A:calendar-color xmlns:A="http://apple.com/ns/ical/">#FF0000FF'
                 '</A:calendar-color>',
                 DEAD_VALUES["empty-namespace"]]
    r = proppatch(alice, alice.files("a.txt"), "".join(fragments))
    sent = [sent_property(f) for f in fragments]
    assert proppatch_statuses(r) == {s.tag: 200 for s in sent}
    body = propfind_body([(etree.QName(s).namespace or "", etree.QName(s).localname) for s in sent])
    (found,) = parse_multistatus(alice.propfind(alice.files("a.txt"), body=body)).values()
    for s in sent:
        status, returned = found[s.tag]
        assert status == 200
        assert canonical(returned) == canonical(s)


def test_proppatch_rfc4918_mixed_content_example_round_trips(alice):
    # RFC 4918 §4.3.1, verbatim: comment dropped, CDATA as text, and the
    # xml:lang of the enclosing DAV:prop kept in scope of the property.
    author = """<x:author xmlns:x='http://example.com/ns'>
         <x:name>Jane Doe</x:name>
         <!-- Jane's contact info -->
         <x:uri type='email'
                added='2005-11-26'>mailto:jane.doe@example.com</x:uri>
         <x:uri type='web'
                added='2005-11-27'>http://www.example.com</x:uri>
         <x:notes xmlns:h='http://www.w3.org/1999/xhtml'>
           Jane has been working way <h:em>too</h:em> long on the
           long-awaited revision of <![CDATA[<RFC2518>]]>.
         </x:notes>
       </x:author>"""
    put(alice, alice.files("a.txt"))
    r = proppatch(alice, alice.files("a.txt"), author, prop_attrs=' xml:lang="en"')
    assert proppatch_statuses(r) == {"{http://example.com/ns}author": 200}
    returned = prop_value(alice, alice.files("a.txt"), "http://example.com/ns", "author")
    assert lang_in_scope(returned) == "en"
    # The server may write the inherited language on the property itself.
    returned.attrib.pop(XML_LANG, None)
    assert canonical(returned) == canonical(sent_property(author))


def test_proppatch_keeps_xml_lang_inherited_from_the_prop_element(alice):
    # RFC 4918 §4.3 ("[attributes] named xml:lang or any such attribute in
    # scope") and §14.26: language tagging in scope of DAV:prop is stored.
    put(alice, alice.files("a.txt"))
    r = proppatch(alice, alice.files("a.txt"), '<x:p xmlns:x="urn:example:a">bonjour</x:p>',
                  prop_attrs=' xml:lang="fr"')
    assert proppatch_statuses(r) == {"{urn:example:a}p": 200}
    returned = prop_value(alice, alice.files("a.txt"), "urn:example:a", "p")
    assert returned.text == "bonjour"
    assert lang_in_scope(returned) == "fr"


def test_proppatch_replaces_an_existing_value(alice):
    put(alice, alice.files("a.txt"))
    set_dead(alice, alice.files("a.txt"), '<x:v xmlns:x="urn:example:a">one</x:v>')
    set_dead(alice, alice.files("a.txt"), '<x:v xmlns:x="urn:example:a"><x:two/></x:v>')
    returned = prop_value(alice, alice.files("a.txt"), "urn:example:a", "v")
    assert returned.text is None and [c.tag for c in returned] == ["{urn:example:a}two"]


def test_proppatch_remove_deletes_the_property(alice):
    put(alice, alice.files("a.txt"))
    set_dead(alice, alice.files("a.txt"), '<x:v xmlns:x="urn:example:a">one</x:v>'
                                          '<y:w xmlns:y="urn:example:b">two</y:w>')
    r = proppatch(alice, alice.files("a.txt"), remove_xml='<x:v xmlns:x="urn:example:a"/>')
    assert proppatch_statuses(r) == {"{urn:example:a}v": 200}
    assert prop_status(alice, alice.files("a.txt"), "urn:example:a", "v") == 404
    assert prop_value(alice, alice.files("a.txt"), "urn:example:b", "w").text == "two"


def test_proppatch_on_a_collection_sets_dead_properties(alice):
    mkcol(alice, alice.files("c/"))
    set_dead(alice, alice.files("c/"), '<D:displayname>Holiday pictures</D:displayname>')
    assert prop_value(alice, alice.files("c/"), "DAV:", "displayname").text == "Holiday pictures"


@pytest.mark.parametrize("protected,protected_tag", [
    ("<D:getetag>\"forged\"</D:getetag>", "{DAV:}getetag"),
    ("<D:resourcetype><D:collection/></D:resourcetype>", "{DAV:}resourcetype"),
], ids=["getetag", "resourcetype"])
def test_proppatch_with_a_protected_property_changes_nothing(alice, protected, protected_tag):
    put(alice, alice.files("a.txt"))
    etag_before = prop_value(alice, alice.files("a.txt"), "DAV:", "getetag").text
    set_xml = ('<x:one xmlns:x="urn:example:a">1</x:one>' + protected +
               '<y:two xmlns:y="urn:example:b">2</y:two>')
    r = proppatch(alice, alice.files("a.txt"), set_xml)
    (response,) = multistatus_responses(r)
    statuses = {}
    for status, props, error in propstats(response):
        for prop in props:
            statuses[prop.tag] = status
        if status == 403:
            assert error is not None
            assert error.find(D + "cannot-modify-protected-property") is not None
    assert statuses == {protected_tag: 403, "{urn:example:a}one": 424, "{urn:example:b}two": 424}
    assert prop_status(alice, alice.files("a.txt"), "urn:example:a", "one") == 404
    assert prop_status(alice, alice.files("a.txt"), "urn:example:b", "two") == 404
    assert prop_value(alice, alice.files("a.txt"), "DAV:", "getetag").text == etag_before
    rt = prop_value(alice, alice.files("a.txt"), "DAV:", "resourcetype")
    assert rt.find(D + "collection") is None


def test_proppatch_failed_request_keeps_a_property_it_tried_to_remove(alice):
    put(alice, alice.files("a.txt"))
    set_dead(alice, alice.files("a.txt"), '<x:keep xmlns:x="urn:example:a">kept</x:keep>')
    body = (f'{XML_DECL}<D:propertyupdate xmlns:D="DAV:">'
            '<D:remove><D:prop><x:keep xmlns:x="urn:example:a"/></D:prop></D:remove>'
            '<D:set><D:prop><D:getcontentlength>99</D:getcontentlength></D:prop></D:set>'
            '</D:propertyupdate>')
    r = alice.request("PROPPATCH", alice.files("a.txt"), body, XML_TYPE)
    assert proppatch_statuses(r) == {"{DAV:}getcontentlength": 403, "{urn:example:a}keep": 424}
    assert prop_value(alice, alice.files("a.txt"), "urn:example:a", "keep").text == "kept"


def test_proppatch_on_missing_resource_is_404(alice):
    r = proppatch(alice, alice.files("missing.txt"), '<x:v xmlns:x="urn:example:a">1</x:v>')
    assert r.status_code == 404


# ---------------------------------------------------------------------------
# MKCOL (RFC 4918 §9.3, RFC 5689)
# ---------------------------------------------------------------------------

def test_mkcol_creates_a_collection(alice):
    r = mkcol(alice, alice.files("new/"))
    assert r.status_code == 201
    rt = prop_value(alice, alice.files("new/"), "DAV:", "resourcetype")
    assert rt.find(D + "collection") is not None


def test_mkcol_on_an_existing_collection_is_405(alice):
    mkcol(alice, alice.files("new/"))
    mkcol(alice, alice.files("new/"), expect=405)


def test_mkcol_on_a_files_path_is_405(alice):
    put(alice, alice.files("f"), b"file content")
    mkcol(alice, alice.files("f/"), expect=405)
    assert get_body(alice, alice.files("f")) == b"file content"


def test_mkcol_with_missing_parent_is_409(alice):
    mkcol(alice, alice.files("no/such/parent/"), expect=409)
    assert not exists(alice, alice.files("no/"))


def test_mkcol_with_a_non_xml_body_is_415(alice):
    mkcol(alice, alice.files("new/"), body="just some text",
          headers={"Content-Type": "text/plain"}, expect=415)
    assert not exists(alice, alice.files("new/"))


def extended_mkcol_body(props):
    return (f'{XML_DECL}<D:mkcol xmlns:D="DAV:" xmlns:E="http://example.com/ns/">'
            f"<D:set><D:prop>{props}</D:prop></D:set></D:mkcol>")


def test_extended_mkcol_sets_displayname_and_dead_properties(alice):
    body = extended_mkcol_body("<D:resourcetype><D:collection/></D:resourcetype>"
                               "<D:displayname>Räume ✓</D:displayname>"
                               "<E:colour>green</E:colour>")
    mkcol(alice, alice.files("special/"), body=body, headers=XML_TYPE)
    assert prop_value(alice, alice.files("special/"), "DAV:", "displayname").text == "Räume ✓"
    colour_prop = prop_value(alice, alice.files("special/"), "http://example.com/ns/", "colour")
    assert colour_prop.text == "green"
    rt = prop_value(alice, alice.files("special/"), "DAV:", "resourcetype")
    assert rt.find(D + "collection") is not None


def test_extended_mkcol_with_unsupported_resourcetype_is_403_mkcol_response(alice):
    body = extended_mkcol_body("<D:resourcetype><D:collection/><E:special-resource/>"
                               "</D:resourcetype><D:displayname>Special</D:displayname>")
    r = mkcol(alice, alice.files("special/"), body=body, headers=XML_TYPE, expect=403)
    root = xml_body(r)
    assert root.tag == D + "mkcol-response"
    statuses = {prop.tag: status for status, props, _ in propstats(root) for prop in props}
    assert statuses == {"{DAV:}resourcetype": 403, "{DAV:}displayname": 424}
    assert not exists(alice, alice.files("special/"))


def test_extended_mkcol_unsupported_resourcetype_names_valid_resourcetype(alice):
    # RFC 5689 §3.3 and its example in §3.5; RFC 4918 §16: in a propstat
    # body the precondition element goes inside that propstat's DAV:error.
    body = extended_mkcol_body("<D:resourcetype><D:collection/><E:special-resource/>"
                               "</D:resourcetype>")
    r = mkcol(alice, alice.files("special/"), body=body, headers=XML_TYPE, expect=403)
    root = xml_body(r)
    (propstat,) = [p for p in propstats(root) if p[0] == 403]
    error = propstat[2]
    assert error is not None and error.find(D + "valid-resourcetype") is not None, \
        etree.tostring(root)


# ---------------------------------------------------------------------------
# GET, HEAD, PUT (RFC 4918 §9.4, §9.7; RFC 7231; RFC 7232)
# ---------------------------------------------------------------------------

STRONG_ETAG = re.compile(r'^"[^"\s]+"$')


def test_put_new_resource_is_201_with_a_strong_quoted_etag(alice):
    r = put(alice, alice.files("a.txt"), b"hello")
    assert STRONG_ETAG.match(r.headers["ETag"]), r.headers["ETag"]
    assert alice.request("GET", alice.files("a.txt")).headers["ETag"] == r.headers["ETag"]


def test_put_over_existing_resource_is_204_with_a_new_etag(alice):
    first = put(alice, alice.files("a.txt"), b"one")
    second = put(alice, alice.files("a.txt"), b"two", expect=204)
    assert STRONG_ETAG.match(second.headers["ETag"])
    assert second.headers["ETag"] != first.headers["ETag"]
    assert get_body(alice, alice.files("a.txt")) == b"two"


def test_put_and_get_keep_binary_content_byte_exact(alice):
    data = bytes(range(256)) + b"\r\n\x00\r\n" * 3 + b"\x00\xff\xfe trailing \r"
    put(alice, alice.files("blob.bin"), data, content_type="application/octet-stream")
    assert get_body(alice, alice.files("blob.bin")) == data
    length = prop_value(alice, alice.files("blob.bin"), "DAV:", "getcontentlength")
    assert length.text == str(len(data))


def test_put_keeps_the_content_type_as_sent(alice):
    content_type = "text/x-custom; charset=iso-8859-1"
    put(alice, alice.files("a.weird"), b"x", content_type=content_type)
    assert alice.request("GET", alice.files("a.weird")).headers["Content-Type"] == content_type
    assert prop_value(alice, alice.files("a.weird"), "DAV:", "getcontenttype").text == content_type


def test_head_has_headers_and_no_body(alice):
    data = b"0123456789" * 10
    etag = put(alice, alice.files("a.txt"), data).headers["ETag"]
    r = alice.request("HEAD", alice.files("a.txt"))
    assert r.status_code == 200
    assert r.headers["Content-Length"] == str(len(data))
    assert r.headers["ETag"] == etag
    assert r.headers["Content-Type"] == "text/plain"
    assert r.content == b""


def test_put_if_none_match_star(alice):
    put(alice, alice.files("a.txt"), b"new", headers={"If-None-Match": "*"}, expect=201)
    put(alice, alice.files("a.txt"), b"clobber", headers={"If-None-Match": "*"}, expect=412)
    assert get_body(alice, alice.files("a.txt")) == b"new"


def test_put_if_match(alice):
    etag = put(alice, alice.files("a.txt"), b"v1").headers["ETag"]
    put(alice, alice.files("a.txt"), b"v2", headers={"If-Match": '"not-the-etag"'}, expect=412)
    assert get_body(alice, alice.files("a.txt")) == b"v1"
    put(alice, alice.files("a.txt"), b"v2", headers={"If-Match": etag}, expect=204)
    assert get_body(alice, alice.files("a.txt")) == b"v2"


def test_put_if_match_on_unmapped_url_is_412(alice):
    put(alice, alice.files("a.txt"), b"x", headers={"If-Match": "*"}, expect=412)
    assert alice.request("GET", alice.files("a.txt")).status_code == 404


def test_get_if_none_match_with_current_etag_is_304(alice):
    etag = put(alice, alice.files("a.txt"), b"cached").headers["ETag"]
    r = alice.request("GET", alice.files("a.txt"), headers={"If-None-Match": etag})
    assert r.status_code == 304
    assert r.content == b""
    assert r.headers["ETag"] == etag
    r = alice.request("GET", alice.files("a.txt"), headers={"If-None-Match": '"other"'})
    assert r.status_code == 200 and r.content == b"cached"


@pytest.mark.parametrize("when,expected", [("future", 304), ("last-modified", 304),
                                           ("past", 200)])
def test_get_if_modified_since(alice, when, expected):
    put(alice, alice.files("a.txt"), b"dated")
    last_modified = alice.request("HEAD", alice.files("a.txt")).headers["Last-Modified"]
    date = {"future": http_date(86400), "last-modified": last_modified,
            "past": http_date(-86400)}[when]
    r = alice.request("GET", alice.files("a.txt"), headers={"If-Modified-Since": date})
    assert r.status_code == expected
    assert r.content == (b"dated" if expected == 200 else b"")


def test_put_if_unmodified_since(alice):
    put(alice, alice.files("a.txt"), b"v1")
    put(alice, alice.files("a.txt"), b"v2", headers={"If-Unmodified-Since": http_date(-86400)},
        expect=412)
    assert get_body(alice, alice.files("a.txt")) == b"v1"
    put(alice, alice.files("a.txt"), b"v2", headers={"If-Unmodified-Since": http_date(86400)},
        expect=204)


def test_put_into_missing_parent_is_409(alice):
    put(alice, alice.files("missing/a.txt"), expect=409)
    assert not exists(alice, alice.files("missing/"))


def test_put_onto_a_collection_is_405(alice):
    mkcol(alice, alice.files("c/"))
    put(alice, alice.files("c/"), b"x", expect=405)
    put(alice, alice.files("c"), b"x", expect=405)
    rt = prop_value(alice, alice.files("c/"), "DAV:", "resourcetype")
    assert rt.find(D + "collection") is not None


def test_put_with_content_range_is_400_and_stores_nothing(alice):
    put(alice, alice.files("a.txt"), b"part", headers={"Content-Range": "bytes 0-3/10"},
        expect=400)
    assert alice.request("GET", alice.files("a.txt")).status_code == 404


def test_get_on_a_collection_is_an_html_listing_of_member_hrefs(alice):
    mkcol(alice, alice.files("c/"))
    put(alice, alice.files("c/" + seg("a b.txt")))
    put(alice, alice.files("c/" + seg("Ü.txt")))
    mkcol(alice, alice.files("c/sub/"))
    members = {h for h in parse_multistatus(
        alice.propfind(alice.files("c/"), props=[("DAV:", "resourcetype")], depth="1"))}
    members = {h for h in members if unquote(h) != unquote(alice.files("c/"))}
    r = alice.request("GET", alice.files("c/"))
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    links = set(lxml_html.fromstring(r.content).xpath("//a/@href"))
    assert members and members <= links


# ---------------------------------------------------------------------------
# DELETE (RFC 4918 §9.6)
# ---------------------------------------------------------------------------

def test_delete_file_is_204_then_404(alice):
    put(alice, alice.files("a.txt"))
    assert alice.request("DELETE", alice.files("a.txt")).status_code == 204
    assert alice.request("GET", alice.files("a.txt")).status_code == 404
    assert alice.request("DELETE", alice.files("a.txt")).status_code == 404


def test_delete_collection_removes_every_member(alice):
    mkcol(alice, alice.files("c/"))
    mkcol(alice, alice.files("c/sub/"))
    put(alice, alice.files("c/a.txt"))
    put(alice, alice.files("c/sub/b.txt"))
    assert alice.request("DELETE", alice.files("c/")).status_code == 204
    for path in ("c/", "c/sub/", "c/a.txt", "c/sub/b.txt"):
        assert not exists(alice, alice.files(path)), path
    # and the name can be reused for a fresh, empty collection
    mkcol(alice, alice.files("c/"))
    r = alice.propfind(alice.files("c/"), props=[("DAV:", "resourcetype")], depth="1")
    assert len(parse_multistatus(r)) == 1


def test_delete_home_is_403(alice):
    put(alice, alice.files("a.txt"))
    assert alice.request("DELETE", alice.files("")).status_code == 403
    assert get_body(alice, alice.files("a.txt")) == b"data"


def test_delete_with_mismatched_if_match_is_412(alice):
    etag = put(alice, alice.files("a.txt")).headers["ETag"]
    r = alice.request("DELETE", alice.files("a.txt"), headers={"If-Match": '"nope"'})
    assert r.status_code == 412
    assert exists(alice, alice.files("a.txt"))
    r = alice.request("DELETE", alice.files("a.txt"), headers={"If-Match": etag})
    assert r.status_code == 204


# ---------------------------------------------------------------------------
# COPY and MOVE (RFC 4918 §9.8, §9.9)
# ---------------------------------------------------------------------------

COLOUR = '<x:colour xmlns:x="urn:example:a">{}</x:colour>'


def make_tree(client, root):
    """root/ {a.txt, sub/ {b.txt}} with a dead property on root/ and sub/."""
    mkcol(client, client.files(root + "/"))
    mkcol(client, client.files(root + "/sub/"))
    put(client, client.files(root + "/a.txt"), b"A")
    put(client, client.files(root + "/sub/b.txt"), b"B")
    set_dead(client, client.files(root + "/"), COLOUR.format("root"))
    set_dead(client, client.files(root + "/sub/"), COLOUR.format("sub"))


def colour(client, path):
    return prop_value(client, path, "urn:example:a", "colour").text


def test_copy_file_creates_an_independent_copy_with_dead_properties(alice):
    put(alice, alice.files("src.txt"), b"source")
    set_dead(alice, alice.files("src.txt"), COLOUR.format("red"))
    r = copy_move(alice, "COPY", alice.files("src.txt"), alice.files("dst.txt"))
    assert r.status_code == 201
    assert get_body(alice, alice.files("dst.txt")) == b"source"
    assert colour(alice, alice.files("dst.txt")) == "red"
    put(alice, alice.files("dst.txt"), b"changed", expect=204)
    assert get_body(alice, alice.files("src.txt")) == b"source"
    assert colour(alice, alice.files("src.txt")) == "red"


def test_copy_collection_with_depth_infinity_copies_the_tree(alice):
    make_tree(alice, "c")
    r = copy_move(alice, "COPY", alice.files("c/"), alice.files("c2/"),
                  headers={"Depth": "infinity"})
    assert r.status_code == 201
    assert get_body(alice, alice.files("c2/a.txt")) == b"A"
    assert get_body(alice, alice.files("c2/sub/b.txt")) == b"B"
    assert colour(alice, alice.files("c2/")) == "root"
    assert colour(alice, alice.files("c2/sub/")) == "sub"
    assert get_body(alice, alice.files("c/sub/b.txt")) == b"B"


def test_copy_collection_with_depth_0_copies_it_empty_with_its_properties(alice):
    make_tree(alice, "c")
    r = copy_move(alice, "COPY", alice.files("c/"), alice.files("c2/"), headers={"Depth": "0"})
    assert r.status_code == 201
    listing = parse_multistatus(
        alice.propfind(alice.files("c2/"), props=[("DAV:", "resourcetype")], depth="1"))
    assert [unquote(h) for h in listing] == [unquote(alice.files("c2/"))]
    assert colour(alice, alice.files("c2/")) == "root"
    rt = prop_value(alice, alice.files("c2/"), "DAV:", "resourcetype")
    assert rt.find(D + "collection") is not None


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
def test_overwrite_t_replaces_the_destination_with_204(alice, method):
    put(alice, alice.files("src.txt"), b"new")
    set_dead(alice, alice.files("src.txt"), COLOUR.format("src"))
    put(alice, alice.files("dst.txt"), b"old")
    set_dead(alice, alice.files("dst.txt"), '<y:stale xmlns:y="urn:example:b">old</y:stale>')
    r = copy_move(alice, method, alice.files("src.txt"), alice.files("dst.txt"),
                  headers={"Overwrite": "T"})
    assert r.status_code == 204
    assert get_body(alice, alice.files("dst.txt")) == b"new"
    assert colour(alice, alice.files("dst.txt")) == "src"
    # RFC 4918 §9.8.4 / §9.9.3: the destination is DELETEd first.
    assert prop_status(alice, alice.files("dst.txt"), "urn:example:b", "stale") == 404
    assert exists(alice, alice.files("src.txt")) == (method == "COPY")


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
def test_overwrite_f_onto_an_existing_destination_is_412(alice, method):
    put(alice, alice.files("src.txt"), b"new")
    put(alice, alice.files("dst.txt"), b"old")
    r = copy_move(alice, method, alice.files("src.txt"), alice.files("dst.txt"),
                  headers={"Overwrite": "F"})
    assert r.status_code == 412
    assert get_body(alice, alice.files("dst.txt")) == b"old"
    assert get_body(alice, alice.files("src.txt")) == b"new"


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
def test_copy_move_into_missing_destination_parent_is_409(alice, method):
    put(alice, alice.files("src.txt"))
    r = copy_move(alice, method, alice.files("src.txt"), alice.files("nowhere/dst.txt"))
    assert r.status_code == 409
    assert exists(alice, alice.files("src.txt"))


def test_move_file_keeps_dead_properties_and_removes_the_source(alice):
    put(alice, alice.files("src.txt"), b"moving")
    set_dead(alice, alice.files("src.txt"), COLOUR.format("blue"))
    r = copy_move(alice, "MOVE", alice.files("src.txt"), alice.files("dst.txt"))
    assert r.status_code == 201
    assert alice.request("GET", alice.files("src.txt")).status_code == 404
    assert get_body(alice, alice.files("dst.txt")) == b"moving"
    assert colour(alice, alice.files("dst.txt")) == "blue"


def test_move_collection_moves_its_members(alice):
    make_tree(alice, "c")
    r = copy_move(alice, "MOVE", alice.files("c/"), alice.files("moved/"))
    assert r.status_code == 201
    assert get_body(alice, alice.files("moved/sub/b.txt")) == b"B"
    assert colour(alice, alice.files("moved/sub/")) == "sub"
    for path in ("c/", "c/a.txt", "c/sub/b.txt"):
        assert not exists(alice, alice.files(path)), path


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
def test_copy_move_onto_itself_is_403(alice, method):
    put(alice, alice.files("a.txt"), b"self")
    r = copy_move(alice, method, alice.files("a.txt"), alice.files("a.txt"))
    assert r.status_code == 403
    assert get_body(alice, alice.files("a.txt")) == b"self"


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
def test_copy_move_collection_into_itself_is_403(alice, method):
    make_tree(alice, "c")
    r = copy_move(alice, method, alice.files("c/"), alice.files("c/sub/inside/"))
    assert r.status_code == 403
    assert get_body(alice, alice.files("c/sub/b.txt")) == b"B"
    assert not exists(alice, alice.files("c/sub/inside/"))


@pytest.mark.parametrize("method,depth", [("COPY", "1"), ("MOVE", "1"), ("MOVE", "0")])
def test_copy_move_with_invalid_depth_is_400(alice, method, depth):
    make_tree(alice, "c")
    r = copy_move(alice, method, alice.files("c/"), alice.files("c2/"), headers={"Depth": depth})
    assert r.status_code == 400
    assert not exists(alice, alice.files("c2/"))


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
def test_copy_move_without_destination_is_400(alice, method):
    put(alice, alice.files("a.txt"))
    r = alice.request(method, alice.files("a.txt"))
    assert r.status_code == 400
    assert exists(alice, alice.files("a.txt"))


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
@pytest.mark.parametrize("absolute", [True, False], ids=["absolute-uri", "absolute-path"])
def test_destination_as_absolute_uri_or_absolute_path(alice, method, absolute):
    put(alice, alice.files("src.txt"), b"payload")
    r = copy_move(alice, method, alice.files("src.txt"), alice.files("dst.txt"),
                  absolute=absolute)
    assert r.status_code == 201
    assert get_body(alice, alice.files("dst.txt")) == b"payload"


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
def test_destination_with_spaces_and_non_ascii(alice, method):
    put(alice, alice.files(seg("source file.txt")), b"payload")
    name = "Kopie von Ünïcødé 日本.txt"
    r = copy_move(alice, method, alice.files(seg("source file.txt")), alice.files(seg(name)))
    assert r.status_code == 201
    assert get_body(alice, alice.files(seg(name))) == b"payload"
    listing = parse_multistatus(
        alice.propfind(alice.files(""), props=[("DAV:", "resourcetype")], depth="1"))
    assert unquote(alice.files("")) + name in {unquote(h) for h in listing}


# ---------------------------------------------------------------------------
# LOCK and UNLOCK (RFC 4918 §6, §7, §9.10, §9.11)
# ---------------------------------------------------------------------------

def test_exclusive_lock_returns_lock_token_and_lockdiscovery(alice):
    put(alice, alice.files("a.txt"))
    r = lock(alice, alice.files("a.txt"), depth="0", timeout="Second-600")
    assert r.status_code == 200
    token = r.headers["Lock-Token"].strip()[1:-1]
    assert token
    root = xml_body(r)
    assert root.tag == D + "prop"
    (active,) = active_locks(root.find(D + "lockdiscovery"))
    assert active.find(f"{D}lockscope/{D}exclusive") is not None
    assert active.find(f"{D}locktype/{D}write") is not None
    assert active.findtext(D + "depth") == "0"
    assert active.findtext(f"{D}locktoken/{D}href").strip() == token
    assert hrefs_in(active.find(D + "lockroot")) == [unquote(alice.files("a.txt"))]
    assert hrefs_in(active.find(D + "owner")) == ["mailto:alice@example.com"]
    assert 0 < lock_timeout(active) <= 600


def write_on_locked(client, method, path, headers=None):
    """A write to the locked file `path` with `headers`."""
    if method == "PUT":
        return client.request("PUT", path, b"overwritten", headers)
    if method == "DELETE":
        return client.request("DELETE", path, headers=headers)
    if method == "PROPPATCH":
        return proppatch(client, path, COLOUR.format("locked?"), headers=headers)
    if method == "MOVE":
        return copy_move(client, "MOVE", path, client.files("moved.txt"), headers=headers)
    raise AssertionError(method)


WRITE_METHODS = ["PUT", "DELETE", "PROPPATCH", "MOVE"]


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_write_to_locked_resource_without_token_is_423(alice, method):
    put(alice, alice.files("a.txt"), b"original")
    take_lock(alice, alice.files("a.txt"))
    r = write_on_locked(alice, method, alice.files("a.txt"))
    submitted = assert_dav_error(r, 423, "lock-token-submitted")
    assert hrefs_in(submitted) == [unquote(alice.files("a.txt"))]
    assert get_body(alice, alice.files("a.txt")) == b"original"
    assert prop_status(alice, alice.files("a.txt"), "urn:example:a", "colour") == 404


@pytest.mark.parametrize("method,expected", [("PUT", 204), ("DELETE", 204), ("PROPPATCH", 207),
                                             ("MOVE", 201)])
def test_write_to_locked_resource_with_token_succeeds(alice, method, expected):
    put(alice, alice.files("a.txt"), b"original")
    token = take_lock(alice, alice.files("a.txt"))
    r = write_on_locked(alice, method, alice.files("a.txt"), headers=with_token(token))
    assert r.status_code == expected, r.text
    if method == "PROPPATCH":
        assert proppatch_statuses(r) == {"{urn:example:a}colour": 200}
    if method == "PUT":
        assert get_body(alice, alice.files("a.txt")) == b"overwritten"
    if method in ("DELETE", "MOVE"):
        assert not exists(alice, alice.files("a.txt"))


@pytest.mark.parametrize("second", ["exclusive", "shared"])
def test_lock_on_exclusively_locked_resource_is_423_no_conflicting_lock(alice, second):
    put(alice, alice.files("a.txt"))
    take_lock(alice, alice.files("a.txt"))
    r = lock(alice, alice.files("a.txt"), scope=second)
    assert_dav_error(r, 423, "no-conflicting-lock")


def test_shared_locks_coexist_and_block_an_exclusive_one(alice):
    put(alice, alice.files("a.txt"))
    first = take_lock(alice, alice.files("a.txt"), scope="shared")
    second = take_lock(alice, alice.files("a.txt"), scope="shared")
    assert first != second
    locks = list(active_locks(lockdiscovery(alice, alice.files("a.txt"))))
    assert {a.findtext(f"{D}locktoken/{D}href").strip() for a in locks} == {first, second}
    assert all(a.find(f"{D}lockscope/{D}shared") is not None for a in locks)
    assert_dav_error(lock(alice, alice.files("a.txt")), 423, "no-conflicting-lock")
    # either shared token lets a write through
    put(alice, alice.files("a.txt"), b"by second", headers=with_token(second), expect=204)


def test_lock_on_unmapped_url_creates_an_empty_locked_resource(alice):
    r = lock(alice, alice.files("new.txt"), depth="0")
    assert r.status_code == 201
    token = r.headers["Lock-Token"].strip()[1:-1]
    assert get_body(alice, alice.files("new.txt")) == b""
    listing = parse_multistatus(
        alice.propfind(alice.files(""), props=[("DAV:", "resourcetype")], depth="1"))
    assert unquote(alice.files("new.txt")) in {unquote(h) for h in listing}
    put(alice, alice.files("new.txt"), b"x", expect=423)
    put(alice, alice.files("new.txt"), b"filled", headers=with_token(token), expect=204)
    assert get_body(alice, alice.files("new.txt")) == b"filled"


def test_lock_refresh_resets_the_timeout(alice):
    put(alice, alice.files("a.txt"))
    token = take_lock(alice, alice.files("a.txt"), timeout="Second-100")
    headers = dict(with_token(token), Timeout="Second-3000")
    r = alice.request("LOCK", alice.files("a.txt"), headers=headers)
    assert r.status_code == 200, r.text
    (active,) = active_locks(xml_body(r))
    assert active.findtext(f"{D}locktoken/{D}href").strip() == token
    assert 2900 < lock_timeout(active) <= 3000
    (active,) = active_locks(lockdiscovery(alice, alice.files("a.txt")))
    assert 2900 < lock_timeout(active) <= 3000


@pytest.mark.parametrize("asked,low,high", [("Second-120", 110, 120),
                                            ("Second-99999999", MAX_LOCK_TIMEOUT - 100,
                                             MAX_LOCK_TIMEOUT)],
                         ids=["honoured", "capped"])
def test_lock_timeout_is_honoured_up_to_the_cap(alice, asked, low, high):
    put(alice, alice.files("a.txt"))
    r = lock(alice, alice.files("a.txt"), timeout=asked)
    assert r.status_code == 200
    (active,) = active_locks(xml_body(r))
    assert low <= lock_timeout(active) <= high


def test_depth_infinity_lock_on_collection_protects_members(alice):
    mkcol(alice, alice.files("c/"))
    mkcol(alice, alice.files("c/sub/"))
    token = take_lock(alice, alice.files("c/"), depth="infinity")
    for path in ("c/new.txt", "c/sub/deep.txt"):
        r = alice.request("PUT", alice.files(path), b"x")
        submitted = assert_dav_error(r, 423, "lock-token-submitted")
        assert hrefs_in(submitted) == [unquote(alice.files("c/"))]
        put(alice, alice.files(path), b"x", headers=with_token(token), expect=201)


def test_depth_0_lock_on_collection_protects_membership_not_member_content(alice):
    mkcol(alice, alice.files("c/"))
    put(alice, alice.files("c/existing.txt"), b"old")
    token = take_lock(alice, alice.files("c/"), depth="0")
    r = alice.request("PUT", alice.files("c/new.txt"), b"x")
    assert_dav_error(r, 423, "lock-token-submitted")
    r = alice.request("DELETE", alice.files("c/existing.txt"))
    assert_dav_error(r, 423, "lock-token-submitted")
    put(alice, alice.files("c/existing.txt"), b"changed", expect=204)
    # The lock is the collection's, not the new member's: the token is
    # submitted in a list tagged with the collection (RFC 4918 §10.4.1).
    tagged = {"If": f"<{alice.server.url(alice.files('c/'))}> (<{token}>)"}
    put(alice, alice.files("c/new.txt"), b"x", headers=tagged, expect=201)


def test_unlock_with_wrong_token_is_409_and_with_right_token_204(alice):
    put(alice, alice.files("a.txt"))
    token = take_lock(alice, alice.files("a.txt"))
    r = alice.request("UNLOCK", alice.files("a.txt"),
                      headers={"Lock-Token": "<urn:uuid:00000000-0000-0000-0000-000000000000>"})
    assert_dav_error(r, 409, "lock-token-matches-request-uri")
    put(alice, alice.files("a.txt"), b"still locked", expect=423)
    r = alice.request("UNLOCK", alice.files("a.txt"), headers={"Lock-Token": f"<{token}>"})
    assert r.status_code == 204
    put(alice, alice.files("a.txt"), b"free again", expect=204)
    assert list(active_locks(lockdiscovery(alice, alice.files("a.txt")))) == []


@pytest.mark.parametrize("form", ["absolute-uri", "absolute-path"])
def test_tagged_if_header_with_lock_token(alice, form):
    put(alice, alice.files("a.txt"))
    token = take_lock(alice, alice.files("a.txt"))
    tag = alice.server.url(alice.files("a.txt")) if form == "absolute-uri" else alice.files("a.txt")
    put(alice, alice.files("a.txt"), b"tagged", headers={"If": f"<{tag}> (<{token}>)"},
        expect=204)
    assert get_body(alice, alice.files("a.txt")) == b"tagged"


# ---------------------------------------------------------------------------
# If header (RFC 4918 §10.4)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("matching,expected", [(True, 204), (False, 412)],
                         ids=["matching", "not-matching"])
def test_if_header_etag_condition(alice, matching, expected):
    etag = put(alice, alice.files("a.txt"), b"v1").headers["ETag"]
    tag = etag if matching else '"different"'
    put(alice, alice.files("a.txt"), b"v2", headers={"If": f"([{tag}])"}, expect=expected)
    assert get_body(alice, alice.files("a.txt")) == (b"v2" if matching else b"v1")


@pytest.mark.parametrize("matching,expected", [(True, 412), (False, 204)],
                         ids=["current-etag", "other-etag"])
def test_if_header_negated_etag_condition(alice, matching, expected):
    etag = put(alice, alice.files("a.txt"), b"v1").headers["ETag"]
    tag = etag if matching else '"different"'
    put(alice, alice.files("a.txt"), b"v2", headers={"If": f"(Not [{tag}])"}, expect=expected)


def test_if_header_with_bogus_token_on_unlocked_resource_is_412(alice):
    put(alice, alice.files("a.txt"), b"v1")
    put(alice, alice.files("a.txt"), b"v2",
        headers={"If": "(<urn:uuid:12345678-1234-1234-1234-123456789abc>)"}, expect=412)
    assert get_body(alice, alice.files("a.txt")) == b"v1"


def test_if_header_not_no_lock_is_true(alice):
    put(alice, alice.files("a.txt"), b"v1")
    put(alice, alice.files("a.txt"), b"v2", headers={"If": "(Not <DAV:no-lock>)"}, expect=204)


def test_if_header_second_list_can_make_it_true(alice):
    put(alice, alice.files("a.txt"), b"v1")
    put(alice, alice.files("a.txt"), b"v2",
        headers={"If": '(<urn:uuid:bogus-token>) (Not ["nope"])'}, expect=204)


# ---------------------------------------------------------------------------
# Other methods
# ---------------------------------------------------------------------------

def test_unknown_method_is_501(alice):
    put(alice, alice.files("a.txt"))
    assert alice.request("FOO", alice.files("a.txt")).status_code == 501


def test_post_is_405_with_allow(alice):
    put(alice, alice.files("a.txt"))
    r = alice.request("POST", alice.files("a.txt"), b"x", {"Content-Type": "text/plain"})
    assert r.status_code == 405
    assert "POST" not in allowed(r) and "GET" in allowed(r)
