#include "server/app/settings.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>

#include "server/base/strings.h"

namespace app {

const std::vector<SettingSpec>& SettingSpecs() {
  using T = SettingSpec::Type;
  static const std::vector<SettingSpec> kSpecs = {
      {"config", "", "Configuration file (key = value lines, # comments)."},
      {"listen", "localhost:8008",
       "Addresses to listen on, comma-separated HOST:PORT ([::1]:8008 for IPv6; localhost means "
       "127.0.0.1)."},
      {"data_dir", "./almanac-data",
       "Directory of the embedded PostgreSQL cluster (used when database_url is not set)."},
      {"database_url", "",
       "PostgreSQL to use instead of the embedded one (libpq URI or key=value string)."},
      {"admin_password", "",
       "Password of the account 'admin' created on first start; generated and printed when unset.",
       T::kText, true},
      {"threads", "64", "Requests served at once (one thread per connection).", T::kInteger},
      {"queue", "64", "Connections waiting for a thread before new ones are refused.", T::kInteger},
      {"db_pool_size", "16", "Connections to PostgreSQL per server process.", T::kInteger},
      {"keepalive_timeout", "15s", "How long an idle keep-alive connection stays open.",
       T::kDuration},
      {"request_timeout", "60s", "Socket send/receive timeout.", T::kDuration},
      {"max_request_body", "10M",
       "Largest XML request body (PROPFIND, PROPPATCH, REPORT, LOCK, MKCOL); larger gets 413.",
       T::kSize},
      {"max_file_size", "100M", "Largest file stored in the file area (/dav/files/); larger gets 413.",
       T::kSize},
      {"max_xml_depth", "64", "Deepest element nesting accepted in a request body.", T::kInteger},
      {"max_xml_elements", "100000", "Most elements accepted in one request body.", T::kInteger},
      {"lock_timeout", "1h", "Longest (and default) WebDAV lock timeout.", T::kDuration},
      {"auth_realm", "Almanac", "Realm announced in WWW-Authenticate."},
      {"auth_cache_ttl", "60s",
       "How long a verified password is remembered, so a sync pays the Argon2 hash once.",
       T::kDuration},
      {"login_failures_per_account", "10", "Failed logins allowed per account per login_window.",
       T::kInteger},
      {"login_failures_per_address", "30",
       "Failed logins allowed per client address per login_window.", T::kInteger},
      {"login_window", "5m", "Window of the failed-login limits; refused logins get 429.",
       T::kDuration},
      {"log_level", "info", "debug, info, warning or error."},
  };
  return kSpecs;
}

namespace {

const SettingSpec* FindSpec(std::string_view key) {
  for (const SettingSpec& spec : SettingSpecs()) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

base::Status Validate(const SettingSpec& spec, const std::string& value, const std::string& where) {
  if (spec.type == SettingSpec::Type::kText || value.empty()) return base::Status::Ok();
  auto parsed = ParseSettingNumber(value, spec.type);
  if (parsed.ok()) return base::Status::Ok();
  return base::Status(base::Code::kBadRequest, "setting '" + std::string(spec.key) + "' (" + where +
                                                   "): " + parsed.status().message());
}

}  // namespace

std::string EnvironmentName(std::string_view key) {
  std::string name = "ALMANAC_";
  for (char c : key) name += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return name;
}

std::string FlagName(std::string_view key) {
  std::string name = "--";
  for (char c : key) name += c == '_' ? '-' : c;
  return name;
}

base::Result<int64_t> ParseSettingNumber(std::string_view text, SettingSpec::Type type) {
  text = base::Trim(text);
  int64_t multiplier = 1;
  if (!text.empty() && type != SettingSpec::Type::kInteger) {
    int64_t unit = 0;
    switch (text.back()) {
      case 'k': case 'K': unit = type == SettingSpec::Type::kSize ? 1024 : 0; break;
      case 'M': unit = type == SettingSpec::Type::kSize ? 1024 * 1024 : 0; break;
      case 'm': unit = type == SettingSpec::Type::kSize ? 1024 * 1024 : 60; break;
      case 'g': case 'G': unit = type == SettingSpec::Type::kSize ? 1024 * 1024 * 1024 : 0; break;
      case 's': unit = type == SettingSpec::Type::kDuration ? 1 : 0; break;
      case 'h': unit = type == SettingSpec::Type::kDuration ? 3600 : 0; break;
      case 'd': unit = type == SettingSpec::Type::kDuration ? 86400 : 0; break;
      default: break;
    }
    if (unit != 0) {
      multiplier = unit;
      text.remove_suffix(1);
    }
  }
  auto value = base::ParseNonNegative(text);
  if (!value || *value > INT64_MAX / multiplier) {
    const char* expected = type == SettingSpec::Type::kSize       ? "a size such as 10M or 512K"
                           : type == SettingSpec::Type::kDuration ? "a duration such as 30s or 5m"
                                                                  : "a whole number";
    return base::Status(base::Code::kBadRequest, std::string("expected ") + expected);
  }
  return *value * multiplier;
}

base::Result<Settings> Settings::Load(const std::map<std::string, std::string>& flags) {
  Settings settings;
  for (const SettingSpec& spec : SettingSpecs()) {
    settings.values_[std::string(spec.key)] = std::string(spec.default_value);
    settings.sources_[std::string(spec.key)] = "default";
  }
  auto apply = [&](const std::string& key, const std::string& value,
                   const std::string& where) -> base::Status {
    const SettingSpec* spec = FindSpec(key);
    if (!spec) return base::Status(base::Code::kBadRequest, where + ": unknown setting '" + key + "'");
    base::Status valid = Validate(*spec, value, where);
    if (!valid.ok()) return valid;
    settings.values_[key] = value;
    settings.sources_[key] = where;
    return base::Status::Ok();
  };

  // The file is named by a flag or the environment; then its values are
  // overridden by the environment and flags.
  std::string config_file;
  if (const char* env = std::getenv("ALMANAC_CONFIG")) config_file = env;
  if (auto flag = flags.find("config"); flag != flags.end()) config_file = flag->second;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) {
      return base::Status(base::Code::kBadRequest, "setting 'config': cannot read " + config_file);
    }
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      std::string_view text = base::Trim(line);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (text.empty() || text.front() == '#') continue;
      size_t equals = text.find('=');
      std::string where = config_file + ":" + std::to_string(number);
      if (equals == std::string_view::npos) {
        return base::Status(base::Code::kBadRequest, where + ": expected 'key = value'");
      }
      std::string key(base::Trim(text.substr(0, equals)));
      std::string value(base::Trim(text.substr(equals + 1)));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (key == "config") return base::Status(base::Code::kBadRequest, where + ": 'config' cannot be set in a file");
      base::Status applied = apply(key, value, "file " + where);
      if (!applied.ok()) return applied;
    }
    settings.values_["config"] = config_file;
    settings.sources_["config"] = flags.count("config") ? "flag" : "environment";
  }
  for (const SettingSpec& spec : SettingSpecs()) {
    if (spec.key == "config") continue;
    std::string name = EnvironmentName(spec.key);
    if (const char* env = std::getenv(name.c_str())) {
      base::Status applied = apply(std::string(spec.key), env, "environment " + name);
      if (!applied.ok()) return applied;
    }
  }
  for (const auto& [key, value] : flags) {
    if (key == "config") continue;
    base::Status applied = apply(key, value, "flag " + FlagName(key));
    if (!applied.ok()) return applied;
  }
  return settings;
}

const std::string& Settings::Text(std::string_view key) const {
  static const std::string kEmpty;
  auto found = values_.find(key);
  return found == values_.end() ? kEmpty : found->second;
}

int64_t Settings::Integer(std::string_view key) const {
  const SettingSpec* spec = FindSpec(key);
  auto value = ParseSettingNumber(Text(key), spec ? spec->type : SettingSpec::Type::kInteger);
  return value.ok() ? value.value() : 0;
}

const std::string& Settings::Source(std::string_view key) const {
  static const std::string kUnknown = "unknown";
  auto found = sources_.find(key);
  return found == sources_.end() ? kUnknown : found->second;
}

}  // namespace app
