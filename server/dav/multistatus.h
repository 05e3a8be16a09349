// Streams a 207 Multi-Status body (RFC 4918 §13) to an output stream: the
// XML is built in a bounded buffer that is handed to the stream whenever it
// grows past a threshold, and flushed (one HTTP chunk) after each page.
#pragma once

#include <ostream>
#include <string>

#include "server/dav/xml_writer.h"

namespace dav {

class MultistatusStream {
 public:
  explicit MultistatusStream(std::ostream& out) : out_(out), xml_(&buffer_) {}

  void Begin();  // XML declaration and <D:multistatus …>
  void End();    // </D:multistatus>, then Flush()

  XmlWriter& xml() { return xml_; }

  // <D:response><D:href>…</D:href><D:status>…</D:status></D:response>
  void StatusResponse(const std::string& href, int status);

  // Moves the buffer to the stream when it is large; call between responses.
  void MaybeDrain();
  // Moves the buffer to the stream and flushes it (sends a chunk).
  void Flush();

 private:
  std::ostream& out_;
  std::string buffer_;
  XmlWriter xml_;
};

}  // namespace dav
