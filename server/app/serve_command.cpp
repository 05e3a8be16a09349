#include "server/app/serve_command.h"

#include <iostream>

#include "server/app/database_setup.h"
#include "server/auth/authenticator.h"
#include "server/auth/password_hash.h"
#include "server/base/log.h"
#include "server/base/random.h"
#include "server/base/strings.h"
#include "server/dav/dav_service.h"
#include "server/dav/provisioning.h"
#include "server/http/http_server.h"
#include "storage/account_store.h"

namespace app {
namespace {

// First start with no accounts: an account "admin", with the configured
// password or a generated one printed once.
void EnsureAdmin(storage::Database& db, const Settings& settings) {
  {
    storage::Transaction tx = db.Begin();
    if (storage::CountAccounts(tx) > 0) return;
  }
  std::string password = settings.Text("admin_password");
  bool generated = password.empty();
  if (generated) password = base::RandomPassword(20);
  auto account = dav::ProvisionAccount(db, "admin", auth::HashPassword(password), true);
  if (!account.ok()) {
    // Another server process created it at the same moment.
    if (account.status().code() == base::Code::kConflict) return;
    throw std::runtime_error(account.status().message());
  }
  if (generated) {
    std::cout << "Created the account 'admin' with the password: " << password << "\n"
              << "(shown once; change it with: almanac user passwd admin)" << std::endl;
  } else {
    std::cout << "Created the account 'admin' with the password from admin_password." << std::endl;
  }
}

dav::DavConfig DavConfigOf(const Settings& settings) {
  dav::DavConfig config;
  config.max_xml_body = static_cast<size_t>(settings.Integer("max_request_body"));
  config.max_file_size = static_cast<size_t>(settings.Integer("max_file_size"));
  config.max_xml_depth = static_cast<size_t>(settings.Integer("max_xml_depth"));
  config.max_xml_elements = static_cast<size_t>(settings.Integer("max_xml_elements"));
  config.max_lock_timeout_seconds = std::max<int64_t>(1, settings.Integer("lock_timeout"));
  config.default_lock_timeout_seconds = config.max_lock_timeout_seconds;
  return config;
}

http::HttpConfig HttpConfigOf(const Settings& settings) {
  http::HttpConfig config;
  config.listen.clear();
  for (std::string_view address : base::Split(settings.Text("listen"), ',')) {
    address = base::Trim(address);
    if (!address.empty()) config.listen.emplace_back(address);
  }
  config.max_threads = static_cast<int>(std::max<int64_t>(1, settings.Integer("threads")));
  config.max_queued = static_cast<int>(std::max<int64_t>(1, settings.Integer("queue")));
  config.keepalive_timeout_seconds = static_cast<int>(settings.Integer("keepalive_timeout"));
  config.request_timeout_seconds = static_cast<int>(settings.Integer("request_timeout"));
  config.realm = settings.Text("auth_realm");
  config.server_header = "Almanac/" ALMANAC_VERSION;
  return config;
}

auth::AuthOptions AuthOptionsOf(const Settings& settings) {
  auth::AuthOptions options;
  options.cache_ttl = std::chrono::seconds(std::max<int64_t>(1, settings.Integer("auth_cache_ttl")));
  options.throttle.max_failures_per_user =
      static_cast<uint32_t>(settings.Integer("login_failures_per_account"));
  options.throttle.max_failures_per_address =
      static_cast<uint32_t>(settings.Integer("login_failures_per_address"));
  options.throttle.window = std::chrono::seconds(settings.Integer("login_window"));
  return options;
}

}  // namespace

int RunServe(const Settings& settings, const std::function<void()>& wait_for_stop) {
  DatabaseHandle handle = OpenDatabase(settings, /*server=*/true);
  EnsureAdmin(*handle.db, settings);

  auth::Authenticator authenticator(*handle.db, AuthOptionsOf(settings));
  dav::DavService dav(*handle.db, DavConfigOf(settings));
  http::HttpServer server(HttpConfigOf(settings), dav, authenticator);
  server.Start();
  for (const std::string& url : server.BoundUrls()) {
    std::cout << "Almanac is serving " << url << "/dav/ (clients find it from " << url
              << "/.well-known/caldav)" << std::endl;
  }

  wait_for_stop();
  base::LogInfo("stopping: finishing requests in progress");
  server.Stop();
  base::LogInfo("stopped");
  return 0;
}

}  // namespace app
