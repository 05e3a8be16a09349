// The one place where protocol modules register their live properties.
#include <map>

#include "server/dav/live_properties.h"

namespace dav {

const std::vector<LiveProperty>& LiveProperties() {
  static const std::vector<LiveProperty> kAll = [] {
    std::vector<LiveProperty> all;
    for (auto&& list : {WebDavProperties(), PrincipalProperties(), ReportProperties()}) {
      all.insert(all.end(), list.begin(), list.end());
    }
    return all;
  }();
  return kAll;
}

const LiveProperty* FindLiveProperty(std::string_view ns, std::string_view name) {
  static const std::map<std::pair<std::string_view, std::string_view>, const LiveProperty*> kIndex =
      [] {
        std::map<std::pair<std::string_view, std::string_view>, const LiveProperty*> index;
        for (const LiveProperty& property : LiveProperties()) {
          index[{property.ns, property.name}] = &property;
        }
        return index;
      }();
  auto found = kIndex.find({ns, name});
  return found == kIndex.end() ? nullptr : found->second;
}

}  // namespace dav
