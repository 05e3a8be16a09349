#include "storage/property_store.h"

#include "storage/sql.h"

namespace storage {
namespace {

const Statement kList{"property_list",
                      "SELECT namespace, name, xml FROM dead_properties WHERE resource_id = $1"
                      " ORDER BY namespace, name"};
const Statement kListMany{"property_list_many",
                          "SELECT resource_id, namespace, name, xml FROM dead_properties"
                          " WHERE resource_id = ANY($1::bigint[]) ORDER BY resource_id, namespace, name"};
const Statement kSet{"property_set",
                     "INSERT INTO dead_properties (resource_id, namespace, name, xml)"
                     " VALUES ($1, $2, $3, $4)"
                     " ON CONFLICT (resource_id, namespace, name) DO UPDATE SET xml = excluded.xml"};
const Statement kRemove{"property_remove",
                        "DELETE FROM dead_properties WHERE resource_id = $1 AND namespace = $2"
                        " AND name = $3"};

}  // namespace

std::vector<DeadProperty> ListDeadProperties(Transaction& tx, int64_t resource_id) {
  std::vector<DeadProperty> properties;
  for (const auto& row : Exec(tx, kList, resource_id)) {
    properties.push_back(
        {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return properties;
}

std::unordered_map<int64_t, std::vector<DeadProperty>> ListDeadPropertiesOf(
    Transaction& tx, const std::vector<int64_t>& resource_ids) {
  std::unordered_map<int64_t, std::vector<DeadProperty>> properties;
  if (resource_ids.empty()) return properties;
  for (const auto& row : Exec(tx, kListMany, BigintArray(resource_ids))) {
    properties[row[0].as<int64_t>()].push_back(
        {row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()});
  }
  return properties;
}

void SetDeadProperty(Transaction& tx, int64_t resource_id, const DeadProperty& property) {
  Exec(tx, kSet, resource_id, property.ns, property.name, property.xml);
}

void RemoveDeadProperty(Transaction& tx, int64_t resource_id, const std::string& ns,
                        const std::string& name) {
  Exec(tx, kRemove, resource_id, ns, name);
}

}  // namespace storage
