-- Registry of structures (issue 3): the lifecycle stage and identity columns of `structures`,
-- the dated history of transitions, recorded milestones (mission starts...), documents, notes
-- and the ROC referents (of a structure, or of an area of a département: communes, EPCI).
-- Same tables and columns as the PostgreSQL migration. Dates of the domain (a transition, a
-- document) are "YYYY-MM-DD"; timestamps of the system are UTC text as in 0001.

-- `stage` is a state id of rules/lifecycle/<kind>.toml (CPTS: 'emergence' ... 'actif'); the
-- service writes the kind's initial state on creation, the default only serves rows made before.
ALTER TABLE structures ADD COLUMN stage TEXT NOT NULL DEFAULT 'emergence';
-- Date the structure entered `stage` (NULL for the initial state without history).
ALTER TABLE structures ADD COLUMN stage_since TEXT;
ALTER TABLE structures ADD COLUMN legal_form TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN finess TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN rna TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN siret TEXT NOT NULL DEFAULT '';
-- INSEE code of the commune of the head office (siège), '' when unknown.
ALTER TABLE structures ADD COLUMN commune TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN notes TEXT NOT NULL DEFAULT '';
CREATE INDEX structures_departement_stage ON structures (departement, stage);

-- One row per lifecycle step, signed by its user (or 'système' for an implicit step).
CREATE TABLE structure_transitions (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  event TEXT NOT NULL,
  date TEXT NOT NULL,
  user_login TEXT NOT NULL,
  implicit INTEGER NOT NULL DEFAULT 0 CHECK (implicit IN (0, 1)),
  timer TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX structure_transitions_structure ON structure_transitions (structure_id, id);

-- Milestones of the lifecycle deadlines ("acces_soins.demarrage" → date the mission started).
CREATE TABLE structure_milestones (
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  milestone TEXT NOT NULL,
  date TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (structure_id, milestone)
) STRICT;

-- Uploaded documents. The bytes are kept in the database (base64 text, both backends, bounded
-- by the request body limit) so that one backup holds everything and several server instances
-- need no shared file system.
CREATE TABLE structure_documents (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  doc_type TEXT NOT NULL,
  title TEXT NOT NULL CHECK (length(title) > 0),
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  doc_date TEXT NOT NULL,
  content_base64 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL
) STRICT;
CREATE INDEX structure_documents_structure ON structure_documents (structure_id);

-- Referents of a structure (ROC of the CPAM, or another role) named explicitly.
CREATE TABLE structure_referents (
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (structure_id, user_id)
) STRICT;
CREATE INDEX structure_referents_user ON structure_referents (user_id);

-- The part of a département a referent is in charge of ("Qui est mon ROC ?"): whole
-- département, EPCI (SIREN) or single commune (INSEE code). The most specific match wins.
CREATE TABLE referent_areas (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  departement TEXT NOT NULL,
  area_kind TEXT NOT NULL CHECK (area_kind IN ('departement', 'epci', 'commune')),
  code TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (user_id, area_kind, code)
) STRICT;
CREATE INDEX referent_areas_code ON referent_areas (area_kind, code);
CREATE INDEX referent_areas_departement ON referent_areas (departement);
