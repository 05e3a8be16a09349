// Helpers shared by the method handlers: Depth, Prefer, body parsing,
// resolving a location to a node, ownership.
#pragma once

#include <optional>
#include <string>

#include "server/base/status.h"
#include "server/dav/context.h"
#include "server/dav/live_properties.h"
#include "server/dav/location.h"
#include "server/dav/node.h"
#include "server/dav/xml_reader.h"
#include "storage/database.h"

namespace dav {

inline constexpr int kDepthInfinity = -1;

// The Depth header (RFC 4918 §10.2): 0, 1 or kDepthInfinity; `fallback`
// when absent; 400 for anything else.
base::Result<int> ParseDepth(const Request& request, int fallback);

// RFC 8144: "Prefer: return=minimal" or the older "Brief: t".
bool WantsMinimal(const Request& request);

// The body as XML, within the configured limits (413 when too large).
base::Result<XmlElement> ParseXmlBody(const RequestContext& context);

// "/dav/principals/<name>/".
std::string PrincipalHref(const std::string& account_name);

PropertyContext MakePropertyContext(const RequestContext& context);

// 403 unless the location is a virtual collection or lies in the
// principal's own area (checked before any lookup, so nothing is learnt
// about other accounts, not even whether they exist).
base::Status CheckOwnArea(const RequestContext& context, const Location& location);

// The node a location names, or nullopt (404).
std::optional<Node> ResolveNode(storage::Transaction& tx, const Location& location);

// A read-write transaction for a write by the request's account. It holds
// the account's lock-table lock in shared mode (LOCK holds it exclusively),
// so lock checks and lock creation never interleave.
storage::Transaction BeginWrite(const RequestContext& context);

// Inserts the resource `location` names as a new member of `parent` (owned
// by the caller) and marks the parent modified. Collections get no content.
storage::Resource CreateMember(storage::Transaction& tx, const RequestContext& context,
                               const Location& location, const storage::Resource& parent,
                               storage::ResourceKind kind, const std::string& content_type,
                               const std::string& content);

// The content type a stored member gets when the client sent none.
std::string ContentTypeOrDefault(const Request& request);

}  // namespace dav
