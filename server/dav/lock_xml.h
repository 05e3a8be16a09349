// The XML forms of locks (RFC 4918 §14.1 activelock, §15.8 lockdiscovery,
// §15.10 supportedlock), shared by PROPFIND and the LOCK response.
#pragma once

#include "server/dav/xml_writer.h"
#include "storage/lock_store.h"

namespace dav {

void WriteActiveLock(XmlWriter& xml, const storage::Lock& lock);
void WriteSupportedLock(XmlWriter& xml);

}  // namespace dav
