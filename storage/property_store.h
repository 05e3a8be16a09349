// Dead properties (RFC 4918 §4): whatever a client stored with PROPPATCH or
// extended MKCOL, kept as the whole serialised property element so that it
// comes back exactly (namespaces, xml:lang, mixed content).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace storage {

class Transaction;

struct DeadProperty {
  std::string ns;
  std::string name;
  std::string xml;  // the element itself, self-contained (declares its own namespaces)
};

std::vector<DeadProperty> ListDeadProperties(Transaction& tx, int64_t resource_id);

// All dead properties of many resources in one query (resource id -> list).
std::unordered_map<int64_t, std::vector<DeadProperty>> ListDeadPropertiesOf(
    Transaction& tx, const std::vector<int64_t>& resource_ids);

void SetDeadProperty(Transaction& tx, int64_t resource_id, const DeadProperty& property);
void RemoveDeadProperty(Transaction& tx, int64_t resource_id, const std::string& ns,
                        const std::string& name);

}  // namespace storage
