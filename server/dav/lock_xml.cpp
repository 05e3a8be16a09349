#include "server/dav/lock_xml.h"

#include <algorithm>

#include "server/dav/location.h"
#include "server/dav/names.h"

namespace dav {

void WriteActiveLock(XmlWriter& xml, const storage::Lock& lock) {
  xml.Start(kDavNs, "activelock");
  xml.Start(kDavNs, "locktype");
  xml.Empty(kDavNs, "write");
  xml.End();
  xml.Start(kDavNs, "lockscope");
  xml.Empty(kDavNs, lock.exclusive ? "exclusive" : "shared");
  xml.End();
  xml.TextElement(kDavNs, "depth", lock.depth_infinity ? "infinity" : "0");
  if (!lock.owner_xml.empty()) xml.Raw(lock.owner_xml);
  auto remaining = std::chrono::duration_cast<std::chrono::seconds>(lock.expires - base::Now());
  int64_t seconds = std::max<int64_t>(0, remaining.count());
  xml.TextElement(kDavNs, "timeout", "Second-" + std::to_string(seconds));
  xml.Start(kDavNs, "locktoken");
  xml.TextElement(kDavNs, "href", lock.token);
  xml.End();
  xml.Start(kDavNs, "lockroot");
  xml.TextElement(kDavNs, "href", HrefOfStoragePath(lock.root_path, lock.root_is_collection));
  xml.End();
  xml.End();
}

void WriteSupportedLock(XmlWriter& xml) {
  for (const char* scope : {"exclusive", "shared"}) {
    xml.Start(kDavNs, "lockentry");
    xml.Start(kDavNs, "lockscope");
    xml.Empty(kDavNs, scope);
    xml.End();
    xml.Start(kDavNs, "locktype");
    xml.Empty(kDavNs, "write");
    xml.End();
    xml.End();
  }
}

}  // namespace dav
