#include <CLI/CLI.hpp>

#include "app/cli.hpp"

namespace maillage::app {

void add_access_commands(CLI::App& root) { (void)root; }

}  // namespace maillage::app
