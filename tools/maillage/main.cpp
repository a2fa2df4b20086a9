// The maillage command: a thin shell over src/app. Subcommands signal failure by throwing
// CLI::RuntimeError(exit_code) after printing their own message.
#include <CLI/CLI.hpp>

#include "app/cli.hpp"

int main(int argc, char** argv) {
  CLI::App root{"Maillage : système d'information de l'exercice coordonné", "maillage"};
  root.require_subcommand(1);
  maillage::app::add_reference_commands(root);
  maillage::app::add_store_commands(root);
  maillage::app::add_server_commands(root);
  maillage::app::add_access_commands(root);
  maillage::app::add_roster_commands(root);
  maillage::app::add_aci_commands(root);
  maillage::app::add_coverage_commands(root);
  maillage::app::add_rpps_commands(root);
  maillage::app::add_registry_commands(root);
  maillage::app::add_sectors_commands(root);
  CLI11_PARSE(root, argc, argv);
  return 0;
}
