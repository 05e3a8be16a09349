// Every setting of the server, in one table (settings.cpp): its key in the
// configuration file, its environment variable (ALMANAC_<KEY>), its flag
// (--key-with-dashes), its default and what it means. Later sources win:
//   defaults < configuration file < environment < command-line flags.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/status.h"

namespace app {

struct SettingSpec {
  std::string_view key;            // "max_file_size"
  std::string_view default_value;  // "" means unset
  std::string_view description;
  enum class Type { kText, kInteger, kSize, kDuration } type = Type::kText;
  bool secret = false;             // masked when printed
};

const std::vector<SettingSpec>& SettingSpecs();

std::string EnvironmentName(std::string_view key);  // ALMANAC_MAX_FILE_SIZE
std::string FlagName(std::string_view key);         // --max-file-size

class Settings {
 public:
  // `flags`: key -> value from the command line (already mapped to keys).
  // Reads the configuration file named by the "config" setting, if any.
  // Errors name the setting (and file line) and what is wrong.
  static base::Result<Settings> Load(const std::map<std::string, std::string>& flags);

  const std::string& Text(std::string_view key) const;
  int64_t Integer(std::string_view key) const;  // sizes in bytes, durations in seconds
  bool IsSet(std::string_view key) const { return !Text(key).empty(); }
  // Where each value came from ("default", "file:3", "environment", "flag").
  const std::string& Source(std::string_view key) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, std::string, std::less<>> sources_;
};

// Parses "10M", "512k", "1G", "100" (bytes) / "15s", "5m", "2h", "30" (seconds).
base::Result<int64_t> ParseSettingNumber(std::string_view text, SettingSpec::Type type);

}  // namespace app
