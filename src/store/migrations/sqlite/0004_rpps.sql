-- RPPS snapshots: one row per imported extract (PS_LibreAcces_Personne_activite_*.txt), kept
-- after newer imports so that changes between two snapshots can be shown. Snapshots are written
-- once by one import transaction and never updated (no `version` column). No names are stored:
-- the diagnostic needs counts and, for arrivals/departures, the public RPPS identifier only.

CREATE TABLE rpps_snapshots (
  id INTEGER PRIMARY KEY,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL,
  source_file TEXT NOT NULL,           -- base name of the imported file
  extract_date TEXT NOT NULL DEFAULT '',  -- "YYYY-MM-DD" from the file name, '' when absent
  fictitious INTEGER NOT NULL DEFAULT 0 CHECK (fictitious IN (0, 1)),
  bytes INTEGER NOT NULL,
  data_lines INTEGER NOT NULL,         -- lines after the header
  activities INTEGER NOT NULL,         -- rows of rpps_activities (one per person × site)
  persons INTEGER NOT NULL,
  duplicate_lines INTEGER NOT NULL,    -- same person, profession and site again
  skipped_lines INTEGER NOT NULL,      -- no address, or abroad
  bad_lines INTEGER NOT NULL,
  from_postcode INTEGER NOT NULL,      -- activities placed by postcode (empty commune code)
  bad_by_reason TEXT NOT NULL          -- JSON object: reason id → count
) STRICT;

-- One row per person × profession × site (the presence rule), with its FTE share.
CREATE TABLE rpps_activities (
  snapshot_id INTEGER NOT NULL REFERENCES rpps_snapshots (id) ON DELETE CASCADE,
  rpps TEXT NOT NULL,
  profession TEXT NOT NULL,
  site TEXT NOT NULL,
  savoir_faire TEXT NOT NULL,
  mode TEXT NOT NULL,
  secteur TEXT NOT NULL,
  commune TEXT NOT NULL,
  from_postcode INTEGER NOT NULL CHECK (from_postcode IN (0, 1)),
  general_practitioner INTEGER NOT NULL CHECK (general_practitioner IN (0, 1)),
  ambulatory INTEGER NOT NULL CHECK (ambulatory IN (0, 1)),
  siret TEXT NOT NULL,
  finess TEXT NOT NULL,
  fte REAL NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, rpps, profession, site)
) STRICT;
CREATE INDEX rpps_activities_commune ON rpps_activities (snapshot_id, commune);

-- Aggregates per commune × profession × savoir-faire × office-based field, computed at import.
CREATE TABLE rpps_commune_counts (
  snapshot_id INTEGER NOT NULL REFERENCES rpps_snapshots (id) ON DELETE CASCADE,
  commune TEXT NOT NULL,
  profession TEXT NOT NULL,
  savoir_faire TEXT NOT NULL,
  ambulatory INTEGER NOT NULL CHECK (ambulatory IN (0, 1)),
  activities INTEGER NOT NULL,
  persons INTEGER NOT NULL,
  fte REAL NOT NULL,
  PRIMARY KEY (snapshot_id, commune, profession, savoir_faire, ambulatory)
) STRICT;

-- Labels as published in the snapshot (kind 'profession' or 'savoir_faire').
CREATE TABLE rpps_labels (
  snapshot_id INTEGER NOT NULL REFERENCES rpps_snapshots (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('profession', 'savoir_faire')),
  code TEXT NOT NULL,
  label TEXT NOT NULL,
  PRIMARY KEY (snapshot_id, kind, code)
) STRICT;
