#include <CLI/CLI.hpp>

#include "app/cli.hpp"

namespace maillage::app {

void add_coverage_commands(CLI::App& root) { (void)root; }

}  // namespace maillage::app
