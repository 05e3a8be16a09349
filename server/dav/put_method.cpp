// PUT (RFC 4918 §9.7, RFC 7231 §4.3.4) into the file area: the bytes are
// stored exactly as sent, with the client's Content-Type.
#include "server/dav/errors.h"
#include "server/dav/etag.h"
#include "server/dav/http_date.h"
#include "server/dav/member_rules.h"
#include "server/dav/method_support.h"
#include "server/dav/methods.h"
#include "server/dav/write_checks.h"

namespace dav {

Response HandlePut(const RequestContext& context, const Location& location) {
  if (location.IsVirtual() || location.IsHome()) {
    return ErrorResponse(base::Status(base::Code::kMethodNotAllowed, "PUT on a collection"));
  }
  if (context.request.FindHeader("Content-Range")) {
    // RFC 7231 §4.3.4: a partial PUT must be refused, not stored whole.
    return ErrorResponse(base::Status(base::Code::kBadRequest, "Content-Range is not supported on PUT"));
  }
  if (context.request.body.size() > context.config.max_file_size) {
    return ErrorResponse(base::Status(base::Code::kPayloadTooLarge, "the file is larger than the limit"));
  }
  auto submitted = ReadSubmittedConditions(context.request);
  if (!submitted.ok()) return ErrorResponse(submitted.status());

  storage::Transaction tx = BeginWrite(context);
  // The parent's row lock serialises writers of one collection (DESIGN.md "Sync").
  auto parent = storage::FindResourceForUpdate(tx, location.ParentStoragePath());
  if (!parent) return ErrorResponse(base::Status(base::Code::kConflict, "the parent collection does not exist"));
  base::Status holds = CanHoldFile(*parent);
  if (!holds.ok()) return ErrorResponse(holds);

  const std::string path = location.StoragePath();
  std::optional<storage::Resource> target = storage::FindResourceForUpdate(tx, path);
  if (target && target->is_collection) {
    return ErrorResponse(base::Status(base::Code::kMethodNotAllowed, "PUT on a collection"));
  }
  base::Status allowed = CheckWrite(tx, context, location, target,
                                    target ? LockScope::kResource : LockScope::kMember,
                                    submitted.value());
  if (!allowed.ok()) return ErrorResponse(allowed);

  std::string content_type = ContentTypeOrDefault(context.request);
  storage::Resource stored;
  if (target) {
    stored = storage::UpdateContent(tx, target->id, context.request.body, content_type);
  } else {
    stored = CreateMember(tx, context, location, *parent, storage::ResourceKind::kFile,
                          content_type, context.request.body);
  }
  tx.Commit();

  Response response = Response::Empty(target ? 204 : 201);
  response.SetHeader("ETag", QuoteEtag(stored.etag));
  response.SetHeader("Last-Modified", FormatHttpDate(stored.modified));
  return response;
}

}  // namespace dav
