// Live properties of RFC 4918 (WebDAV), RFC 5397 (current-user-principal)
// and RFC 3744 (the read-only part of WebDAV ACL that clients rely on).
#include "server/dav/etag.h"
#include "server/dav/http_date.h"
#include "server/dav/live_properties.h"
#include "server/dav/lock_xml.h"
#include "server/dav/names.h"

namespace dav {
namespace {

bool Always(const Node&) { return true; }
bool Stored(const Node& node) { return !node.IsVirtual(); }
bool StoredNonCollection(const Node& node) { return !node.IsCollection(); }
bool IsPrincipalNode(const Node& node) { return node.IsPrincipal(); }

void WriteHref(XmlWriter& xml, const std::string& href) { xml.TextElement(kDavNs, "href", href); }

// RFC 4918 §15.9: empty for non-collections.
void ResourceType(const PropertyContext&, const Node& node, XmlWriter& xml) {
  if (node.IsCollection()) xml.Empty(kDavNs, "collection");
  if (node.IsPrincipal()) xml.Empty(kDavNs, "principal");
}

void CreationDate(const PropertyContext&, const Node& node, XmlWriter& xml) {
  xml.Text(FormatRfc3339(node.resource->created));
}

void LastModified(const PropertyContext&, const Node& node, XmlWriter& xml) {
  xml.Text(FormatHttpDate(node.resource->modified));
}

void ContentLength(const PropertyContext&, const Node& node, XmlWriter& xml) {
  xml.Text(std::to_string(node.resource->size));
}

void ContentType(const PropertyContext&, const Node& node, XmlWriter& xml) {
  xml.Text(node.resource->content_type.empty() ? "application/octet-stream"
                                               : node.resource->content_type);
}

void GetEtag(const PropertyContext&, const Node& node, XmlWriter& xml) {
  xml.Text(QuoteEtag(node.resource->etag));
}

void LockDiscovery(const PropertyContext& context, const Node&, XmlWriter& xml) {
  if (!context.locks) return;
  for (const storage::Lock& lock : *context.locks) WriteActiveLock(xml, lock);
}

void SupportedLock(const PropertyContext&, const Node&, XmlWriter& xml) { WriteSupportedLock(xml); }

// RFC 5397 §3.
void CurrentUserPrincipal(const PropertyContext& context, const Node&, XmlWriter& xml) {
  WriteHref(xml, context.principal_href);
}

// RFC 3744 §5.1: every stored resource is owned by the account whose area it is in.
void Owner(const PropertyContext& context, const Node&, XmlWriter& xml) {
  WriteHref(xml, context.principal_href);
}

bool OwnsNode(const PropertyContext& context, const Node& node) {
  return node.resource && node.resource->owner_id == context.principal.id;
}

void WritePrivilege(XmlWriter& xml, std::string_view name) {
  xml.Start(kDavNs, "privilege");
  xml.Empty(kDavNs, name);
  xml.End();
}

// RFC 3744 §5.4. The owner has every privilege on its own resources; the
// virtual collections are readable only. Nothing is shared yet.
void CurrentUserPrivilegeSet(const PropertyContext& context, const Node& node, XmlWriter& xml) {
  if (OwnsNode(context, node)) {
    for (std::string_view name : {"read", "write", "write-properties", "write-content", "bind",
                                  "unbind", "unlock", "read-acl", "read-current-user-privilege-set"}) {
      WritePrivilege(xml, name);
    }
  } else {
    WritePrivilege(xml, "read");
    WritePrivilege(xml, "read-current-user-privilege-set");
  }
}

void PrincipalCollectionSet(const PropertyContext&, const Node&, XmlWriter& xml) {
  WriteHref(xml, "/dav/principals/");
}

void PrincipalUrl(const PropertyContext&, const Node& node, XmlWriter& xml) {
  WriteHref(xml, node.href);
}

void EmptyValue(const PropertyContext&, const Node&, XmlWriter&) {}

}  // namespace

std::vector<LiveProperty> WebDavProperties() {
  return {
      // RFC 4918 §15
      {kDavNs, "resourcetype", Always, ResourceType, true},
      {kDavNs, "creationdate", Stored, CreationDate, true},
      {kDavNs, "getlastmodified", Stored, LastModified, true},
      {kDavNs, "getcontentlength", StoredNonCollection, ContentLength, true},
      {kDavNs, "getcontenttype", StoredNonCollection, ContentType, true},
      {kDavNs, "getetag", StoredNonCollection, GetEtag, true},
      {kDavNs, "lockdiscovery", Stored, LockDiscovery, true, /*needs_locks=*/true},
      {kDavNs, "supportedlock", Stored, SupportedLock, true},
      // RFC 5397
      {kDavNs, "current-user-principal", Always, CurrentUserPrincipal},
      // RFC 3744
      {kDavNs, "owner", Stored, Owner},
      {kDavNs, "current-user-privilege-set", Always, CurrentUserPrivilegeSet},
      {kDavNs, "principal-collection-set", Always, PrincipalCollectionSet},
      {kDavNs, "principal-URL", IsPrincipalNode, PrincipalUrl},
      {kDavNs, "alternate-URI-set", IsPrincipalNode, EmptyValue},
      {kDavNs, "group-membership", IsPrincipalNode, EmptyValue},
  };
}

}  // namespace dav
