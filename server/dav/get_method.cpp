// GET and HEAD (RFC 4918 §9.4): a member's stored bytes with its strong
// ETag; a collection as a small HTML listing, streamed page by page.
#include "server/dav/conditional.h"
#include "server/dav/errors.h"
#include "server/dav/etag.h"
#include "server/dav/http_date.h"
#include "server/dav/method_support.h"
#include "server/dav/methods.h"
#include "server/dav/write_checks.h"
#include "server/dav/xml_writer.h"

namespace dav {
namespace {

Response CollectionListing(storage::Transaction tx, Node node, int page_size) {
  Response response;
  response.status = 200;
  response.SetHeader("Content-Type", "text/html; charset=utf-8");
  response.compressible = true;
  response.stream = MakeBodyStream([tx = std::move(tx), node = std::move(node),
                                    page_size](std::ostream& out) mutable {
    std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
    AppendEscapedText(&html, node.href);
    html += "</title></head><body><h1>";
    AppendEscapedText(&html, node.href);
    html += "</h1><ul>\n";
    out << html;
    if (node.resource) {
      storage::ChildPager pager(tx, node.resource->id, page_size);
      std::vector<storage::Resource> rows;
      while (pager.Next(&rows)) {
        html.clear();
        for (const storage::Resource& row : rows) {
          std::string href = HrefOfStoragePath(row.path, row.is_collection);
          html += "<li><a href=\"";
          AppendEscapedAttribute(&html, href);
          html += "\">";
          AppendEscapedText(&html, row.name + (row.is_collection ? "/" : ""));
          html += "</a></li>\n";
        }
        out << html;
        out.flush();
      }
    }
    out << "</ul></body></html>\n";
  });
  return response;
}

}  // namespace

Response HandleGet(const RequestContext& context, const Location& location) {
  storage::Transaction tx = context.db.Begin(storage::TxMode::kReadOnlySnapshot);
  std::optional<Node> node = ResolveNode(tx, location);
  if (!node) return ErrorResponse(base::Status(base::Code::kNotFound, "no such resource"));
  if (node->IsCollection()) return CollectionListing(std::move(tx), std::move(*node), context.config.page_size);

  const storage::Resource& resource = *node->resource;
  Validators validators{true, resource.etag, resource.modified};
  Precondition precondition =
      EvaluatePreconditions(ConditionalHeadersOf(context.request), validators, true);
  Response response;
  response.SetHeader("ETag", QuoteEtag(resource.etag));
  response.SetHeader("Last-Modified", FormatHttpDate(resource.modified));
  if (precondition == Precondition::kFailed) {
    return ErrorResponse(base::Status(base::Code::kPreconditionFailed, "precondition failed"));
  }
  if (precondition == Precondition::kNotModified) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.SetHeader("Content-Type", resource.content_type.empty() ? "application/octet-stream"
                                                                  : resource.content_type);
  if (context.request.method == "HEAD") {
    // server/http sends this length and no body; the bytes are not read.
    response.SetHeader("Content-Length", std::to_string(resource.size));
  } else {
    response.body = storage::ReadContent(tx, resource.id);
  }
  return response;
}

}  // namespace dav
