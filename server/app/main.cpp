// The `almanac` program: a Poco ServerApplication with subcommands.
//
//   almanac serve [--listen HOST:PORT] [--data-dir DIR] [--database-url URL] [--config FILE] …
//   almanac migrate
//   almanac user add NAME [--password PW] [--admin] | passwd NAME | delete NAME | list
//
// Every setting (settings.cpp) is also a flag, an environment variable and a
// configuration-file key.
#include <Poco/Util/ServerApplication.h>

#include <csignal>
#include <iostream>
#include <map>

#include "server/app/database_setup.h"
#include "server/app/serve_command.h"
#include "server/app/settings.h"
#include "server/app/user_commands.h"
#include "server/base/log.h"
#include "storage/db_error.h"

namespace app {
namespace {

const char kUsage[] =
    "usage: almanac COMMAND [flags]\n"
    "\n"
    "commands:\n"
    "  serve                     run the server (the default data dir is ./almanac-data)\n"
    "  migrate                   apply database migrations and exit\n"
    "  user add NAME [--password PW] [--admin]\n"
    "  user passwd NAME [--password PW]\n"
    "  user delete NAME\n"
    "  user list\n"
    "  version\n"
    "\n"
    "Without --password, user add/passwd read the password from standard input.\n"
    "Settings (also ALMANAC_<NAME> environment variables and config-file keys):\n";

void PrintUsage(std::ostream& out) {
  out << kUsage;
  for (const SettingSpec& spec : SettingSpecs()) {
    std::string flag = FlagName(spec.key);
    out << "  " << flag << std::string(flag.size() < 30 ? 30 - flag.size() : 1, ' ')
        << spec.description;
    if (!spec.default_value.empty()) out << " [" << spec.default_value << "]";
    out << "\n";
  }
}

struct CommandLine {
  std::vector<std::string> words;
  std::map<std::string, std::string> settings;
  UserCommandFlags user;
  bool help = false;
};

// Flags may come anywhere: --name VALUE, --name=VALUE, and the switches
// --admin and --help.
base::Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine line;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      line.help = true;
      continue;
    }
    if (arg == "--admin") {
      line.user.admin = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      line.words.push_back(arg);
      continue;
    }
    std::string name = arg;
    std::optional<std::string> value;
    if (size_t equals = arg.find('='); equals != std::string::npos) {
      name = arg.substr(0, equals);
      value = arg.substr(equals + 1);
    }
    std::string key;
    for (const SettingSpec& spec : SettingSpecs()) {
      if (FlagName(spec.key) == name) key = std::string(spec.key);
    }
    if (key.empty() && name != "--password") {
      return base::Status(base::Code::kBadRequest, "unknown flag " + name);
    }
    if (!value) {
      if (i + 1 >= args.size()) return base::Status(base::Code::kBadRequest, name + " needs a value");
      value = args[++i];
    }
    if (name == "--password") {
      line.user.password = *value;
    } else {
      line.settings[key] = *value;
    }
  }
  return line;
}

class AlmanacApplication : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(Poco::Util::OptionSet& options) override {
    ServerApplication::defineOptions(options);
    // Subcommands and their flags are parsed by ParseCommandLine; Poco's
    // option processor would reject them.
    stopOptionsProcessing();
  }

  int main(const std::vector<std::string>& args) override {
    std::signal(SIGPIPE, SIG_IGN);  // a client closing its socket must not end the server
    auto line = ParseCommandLine(args);
    if (!line.ok()) {
      std::cerr << "almanac: " << line.status().message() << "\n\n";
      PrintUsage(std::cerr);
      return EXIT_USAGE;
    }
    if (line->help || line->words.empty()) {
      PrintUsage(line->help ? std::cout : std::cerr);
      return line->help ? EXIT_OK : EXIT_USAGE;
    }
    auto settings = Settings::Load(line->settings);
    if (!settings.ok()) {
      std::cerr << "almanac: " << settings.status().message() << "\n";
      return EXIT_CONFIG;
    }
    base::LogLevel level;
    if (!base::ParseLogLevel(settings->Text("log_level"), &level)) {
      std::cerr << "almanac: setting 'log_level': expected debug, info, warning or error\n";
      return EXIT_CONFIG;
    }
    base::SetLogLevel(level);

    const std::string& command = line->words[0];
    std::vector<std::string> rest(line->words.begin() + 1, line->words.end());
    try {
      if (command == "serve" && rest.empty()) {
        return RunServe(settings.value(), [this] { waitForTerminationRequest(); });
      }
      if (command == "migrate" && rest.empty()) {
        OpenDatabase(settings.value(), /*server=*/false);
        std::cout << "the database schema is current\n";
        return EXIT_OK;
      }
      if (command == "user") return RunUserCommand(settings.value(), rest, line->user);
      if (command == "version") {
        std::cout << "almanac " ALMANAC_VERSION "\n";
        return EXIT_OK;
      }
    } catch (const storage::DbError& error) {
      std::cerr << "almanac: database error: " << error.what() << "\n";
      return EXIT_UNAVAILABLE;
    } catch (const std::exception& error) {
      std::cerr << "almanac: " << error.what() << "\n";
      return EXIT_SOFTWARE;
    }
    PrintUsage(std::cerr);
    return EXIT_USAGE;
  }
};

}  // namespace
}  // namespace app

POCO_SERVER_MAIN(app::AlmanacApplication)
