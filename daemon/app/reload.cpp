// reload.cpp: comparing the running options with the re-read ones.
#include "app/reload.hpp"

#include "app/option_table.hpp"

namespace csms::app {
namespace {

std::string setting_text(const Options& options, std::string_view name) {
  const auto it = options.settings.find(name);
  return it == options.settings.end() ? "(default)" : it->second;
}

}  // namespace

ReloadPlan plan_reload(const Options& running, const Options& reread) {
  ReloadPlan plan;
  for (const OptionDef& option : option_table()) {
    if ((option.sources & (kFromFile | kFromEnv)) == 0 || option.name == "config") continue;
    std::string from = setting_text(running, option.name);
    std::string to = setting_text(reread, option.name);
    if (from == to) continue;
    (option.reloadable ? plan.apply : plan.refuse)
        .push_back(OptionChange{std::string(option.name), std::move(from), std::move(to)});
  }
  return plan;
}

}  // namespace csms::app
