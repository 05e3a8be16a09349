// What a method handler returns. Everything that can fail is decided before a
// Response exists; a streamed body (`stream`) only reads rows and writes XML,
// and server/http sends it chunked (gzip when the client accepts it).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/dav/request.h"

namespace dav {

// Writes a response body incrementally. Owns whatever it reads from (e.g.
// a snapshot transaction). Called once, from the request's thread.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual void Write(std::ostream& out) = 0;
};

template <typename Fn>
class FunctionBodyStream : public BodyStream {
 public:
  explicit FunctionBodyStream(Fn fn) : fn_(std::move(fn)) {}
  void Write(std::ostream& out) override { fn_(out); }

 private:
  Fn fn_;
};

// Wraps a (possibly move-only) callable `void(std::ostream&)`.
template <typename Fn>
std::unique_ptr<BodyStream> MakeBodyStream(Fn fn) {
  return std::make_unique<FunctionBodyStream<Fn>>(std::move(fn));
}

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;                     // used when `stream` is null
  std::unique_ptr<BodyStream> stream;   // chunked when set
  bool compressible = false;            // may be sent with Content-Encoding: gzip
  std::string reason;                   // why a request failed, for the access log

  void SetHeader(std::string_view name, std::string_view value);
  const std::string* FindHeader(std::string_view name) const;

  static Response Empty(int status);
  static Response Text(int status, std::string_view content_type, std::string body);
  static Response Xml(int status, std::string body);
};

constexpr std::string_view kXmlContentType = "application/xml; charset=utf-8";

}  // namespace dav
