#include "server/dav/multistatus.h"

#include "server/dav/errors.h"
#include "server/dav/names.h"

namespace dav {
namespace {
constexpr size_t kDrainThreshold = 32 * 1024;
}

void MultistatusStream::Begin() { xml_.StartDocumentRoot(kDavNs, "multistatus"); }

void MultistatusStream::End() {
  xml_.End();
  buffer_ += '\n';
  Flush();
}

void MultistatusStream::StatusResponse(const std::string& href, int status) {
  xml_.Start(kDavNs, "response");
  xml_.TextElement(kDavNs, "href", href);
  xml_.TextElement(kDavNs, "status", StatusLine(status));
  xml_.End();
}

void MultistatusStream::MaybeDrain() {
  if (buffer_.size() >= kDrainThreshold) {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
}

void MultistatusStream::Flush() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  out_.flush();
}

}  // namespace dav
