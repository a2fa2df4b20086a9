// Every use-case service of the application, built once by the composition root
// (src/app/application.hpp) and handed to the HTTP layer and to the CLI alike, so that a page, an
// API route and a command compute the same thing the same way. The composition root owns the
// objects; this bundle only refers to them.
#pragma once

namespace maillage::services {

class Accounts;
class Registry;
class Territories;
class Diagnostics;
class AciService;
class RosterCampaigns;
class RosterJobRunner;
class Operations;
class Sectors;
class Referents;
class Association;
class Assemblies;
class AssociationWork;
class ProjetsDeSante;
class Home;
class AuditLog;
class Animation;
class Surveys;
class Newsletters;
class NewsletterSender;
class RppsImports;
class Crises;

struct Services {
  Accounts& accounts;
  Registry& registry;
  Territories& territories;
  Diagnostics& diagnostics;
  AciService& aci;
  RosterCampaigns& roster;
  RosterJobRunner& roster_jobs;
  Operations& operations;
  Sectors& sectors;
  Referents& referents;
  Association& association;
  Assemblies& assemblies;
  AssociationWork& association_work;
  ProjetsDeSante& projets;
  Home& home;
  AuditLog& audit_log;
  Animation& animation;
  Surveys& surveys;
  Newsletters& newsletters;
  NewsletterSender& newsletter_sender;
  RppsImports& rpps_imports;
  Crises& crises;
};

}  // namespace maillage::services
