-- ACI contracts and the dialogue de gestion workspace. A contract's terms (parties, signature,
-- size class, accord, missions, amounts) are kept as the engine's contract document
-- (maillage-aci-contract/1 JSON, src/aci/README.md) without its indicators; the indicators live
-- in numbered versions (an agreed change adds a version, nothing is overwritten) and the measured
-- values in their own rows, so that each can change without rewriting the others. Mutable rows
-- carry `version` (optimistic concurrency). Timestamps are UTC text, as in 0001.

CREATE TABLE aci_contracts (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  reference TEXT NOT NULL CHECK (length(reference) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('cpts', 'msp')),
  accord TEXT NOT NULL,
  signature TEXT NOT NULL,
  size_class TEXT NOT NULL DEFAULT '',
  document TEXT NOT NULL,
  -- INSEE codes of the contractual territory at signature, comma-separated ('' when unknown).
  communes TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX aci_contracts_reference ON aci_contracts (reference);
CREATE INDEX aci_contracts_structure ON aci_contracts (structure_id);

-- Version 1 is the signed contract's indicators; each agreed change adds the next number.
-- `indicators` is a JSON object: mission id → the indicators of the contract format, without
-- measured values.
CREATE TABLE aci_indicator_versions (
  id INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES aci_contracts (id) ON DELETE CASCADE,
  number INTEGER NOT NULL CHECK (number >= 1),
  indicators TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  year INTEGER NOT NULL DEFAULT 0,
  agreed_by TEXT NOT NULL,
  agreed_role TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX aci_indicator_versions_number ON aci_indicator_versions (contract_id, number);

CREATE TABLE aci_measures (
  id INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES aci_contracts (id) ON DELETE CASCADE,
  mission TEXT NOT NULL,
  indicator TEXT NOT NULL,
  year INTEGER NOT NULL CHECK (year >= 1),
  measured REAL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX aci_measures_key ON aci_measures (contract_id, mission, indicator, year);

-- One workspace per contract year.
CREATE TABLE dialogue_workspaces (
  id INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES aci_contracts (id) ON DELETE CASCADE,
  year INTEGER NOT NULL CHECK (year >= 1),
  dialogue_date TEXT NOT NULL DEFAULT '',
  minutes TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX dialogue_workspaces_year ON dialogue_workspaces (contract_id, year);

-- `item` names what a comment or an attachment is about: "general", "indicateur:MISSION/ID",
-- "budget:ENVELOPE", "fiche:ID", "ajustement:ID".
CREATE TABLE dialogue_comments (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES dialogue_workspaces (id) ON DELETE CASCADE,
  item TEXT NOT NULL,
  author_login TEXT NOT NULL,
  author_name TEXT NOT NULL,
  author_role TEXT NOT NULL,
  body TEXT NOT NULL CHECK (length(body) > 0),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX dialogue_comments_workspace ON dialogue_comments (workspace_id, created_at);

-- Evidence files, base64 text (the store keeps no blobs), size-limited by the service.
CREATE TABLE dialogue_attachments (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES dialogue_workspaces (id) ON DELETE CASCADE,
  item TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
  content_base64 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX dialogue_attachments_workspace ON dialogue_attachments (workspace_id);

-- Money received and spent per envelope in the year (the expected amount comes from the
-- schedule); integer cents.
CREATE TABLE dialogue_budget (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES dialogue_workspaces (id) ON DELETE CASCADE,
  envelope TEXT NOT NULL,
  received_cents INTEGER NOT NULL CHECK (received_cents >= 0),
  spent_cents INTEGER NOT NULL CHECK (spent_cents >= 0),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX dialogue_budget_envelope ON dialogue_budget (workspace_id, envelope);

CREATE TABLE dialogue_fiches (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES dialogue_workspaces (id) ON DELETE CASCADE,
  mission TEXT NOT NULL,
  title TEXT NOT NULL CHECK (length(title) > 0),
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('a_lancer', 'en_cours', 'realisee', 'abandonnee')),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
CREATE INDEX dialogue_fiches_workspace ON dialogue_fiches (workspace_id);

-- Contextual adjustment proposals: the fact (population, GPs), its two values and the
-- indicator-version they were computed on; the comparison itself is recomputed when shown.
CREATE TABLE dialogue_adjustments (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES dialogue_workspaces (id) ON DELETE CASCADE,
  mission TEXT NOT NULL,
  indicator TEXT NOT NULL,
  fact TEXT NOT NULL CHECK (fact IN ('population', 'medecins_generalistes', 'autre')),
  fact_label TEXT NOT NULL DEFAULT '',
  fact_before REAL NOT NULL CHECK (fact_before > 0),
  fact_after REAL NOT NULL CHECK (fact_after > 0),
  rationale TEXT NOT NULL DEFAULT '',
  proposed_by TEXT NOT NULL,
  proposed_role TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX dialogue_adjustments_workspace ON dialogue_adjustments (workspace_id);
