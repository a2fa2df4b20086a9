// The `maillage` command line: each area adds its subcommands to the root app. Kept in separate
// files so that CLI11 (a heavy header) is compiled once per area.
#pragma once

namespace CLI {
class App;
}

namespace maillage::app {

void add_reference_commands(CLI::App& root);  // cli_reference.cpp: reference build|info|export
void add_store_commands(CLI::App& root);      // cli_store.cpp: migrate, backup, restore, user ...
void add_server_commands(CLI::App& root);     // cli_server.cpp: serve, demo ...
void add_access_commands(CLI::App& root);     // cli_access.cpp: access compute
void add_roster_commands(CLI::App& root);     // cli_roster.cpp: roster solve|check
void add_aci_commands(CLI::App& root);        // cli_aci.cpp: aci schedule
void add_coverage_commands(CLI::App& root);   // cli_coverage.cpp: coverage ...
void add_rpps_commands(CLI::App& root);       // cli_rpps.cpp: import rpps, demo rpps, rpps snapshots
void add_registry_commands(CLI::App& root);   // cli_registry.cpp: registry portfolio
void add_sectors_commands(CLI::App& root);    // cli_sectors.cpp: sectors solve

}  // namespace maillage::app
