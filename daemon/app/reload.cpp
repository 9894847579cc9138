// reload.cpp: comparing the running options with the re-read ones.
#include "app/reload.hpp"

#include "app/option_table.hpp"
#include "store/postgres/pg_conninfo.hpp"

namespace csms::app {
namespace {

std::string setting_text(const Options& options, std::string_view name) {
  const auto it = options.settings.find(name);
  return it == options.settings.end() ? "(default)" : it->second;
}

// A reload logs both sides of a change; a store's connection string may hold a password, so only what
// describe_conninfo shows is logged (a changed password alone still shows as a change, with both sides alike).
std::string loggable(std::string_view name, std::string text) {
  if (name != "store" || text == "(default)" || text == "sqlite") return text;
  return store::postgres::describe_conninfo(text);
}

}  // namespace

ReloadPlan plan_reload(const Options& running, const Options& reread) {
  ReloadPlan plan;
  for (const OptionDef& option : option_table()) {
    if ((option.sources & (kFromFile | kFromEnv)) == 0 || option.name == "config") continue;
    std::string from = setting_text(running, option.name);
    std::string to = setting_text(reread, option.name);
    if (from == to) continue;
    from = loggable(option.name, std::move(from));
    to = loggable(option.name, std::move(to));
    (option.reloadable ? plan.apply : plan.refuse)
        .push_back(OptionChange{std::string(option.name), std::move(from), std::move(to)});
  }
  return plan;
}

}  // namespace csms::app
