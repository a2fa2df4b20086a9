-- Animation territoriale (src/services/animation*.cpp, issue 18 items 1 and 2): the partner
-- organisations of a territory (collectivités, contrats locaux de santé, hospitals, EHPAD,
-- associations, URPS…) with the communes they serve, the structures they work with, their
-- contacts and the dated interactions with them (a document each at most, stored like the
-- structures' documents); the action plan of a territory or a structure, the events of an action
-- with their registrations (seat or waiting list, attendance). Who gets a seat is decided by
-- src/animation (the waiting list); the partial unique index keeps one active registration per
-- e-mail and event even under concurrent requests. Dates "YYYY-MM-DD", times "HH:MM"
-- (Europe/Paris), timestamps UTC text. Nothing here is about patients.
CREATE TABLE partners (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('collectivite', 'cls', 'hopital', 'ehpad', 'association',
                                     'urps', 'autre')),
  departement TEXT NOT NULL,
  siren TEXT NOT NULL DEFAULT '',
  finess TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  follower_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX partners_departement ON partners (departement, name);

CREATE TABLE partner_communes (
  partner_id INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  commune TEXT NOT NULL,
  PRIMARY KEY (partner_id, commune)
) STRICT;
CREATE INDEX partner_communes_commune ON partner_communes (commune);

CREATE TABLE partner_structures (
  partner_id INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  PRIMARY KEY (partner_id, structure_id)
) STRICT;
CREATE INDEX partner_structures_structure ON partner_structures (structure_id);

CREATE TABLE partner_contacts (
  id INTEGER PRIMARY KEY,
  partner_id INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL CHECK (length(name) > 0),
  role TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX partner_contacts_partner ON partner_contacts (partner_id, position);

CREATE TABLE partner_interactions (
  id INTEGER PRIMARY KEY,
  partner_id INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('reunion', 'convention', 'action_cofinancee', 'autre')),
  held_on TEXT NOT NULL,
  title TEXT NOT NULL CHECK (length(title) > 0),
  notes TEXT NOT NULL DEFAULT '',
  doc_filename TEXT NOT NULL DEFAULT '',
  doc_content_type TEXT NOT NULL DEFAULT '',
  doc_size INTEGER NOT NULL DEFAULT 0,
  doc_base64 TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX partner_interactions_partner ON partner_interactions (partner_id, held_on);

CREATE TABLE animation_actions (
  id INTEGER PRIMARY KEY,
  departement TEXT NOT NULL,
  structure_id INTEGER REFERENCES structures (id) ON DELETE CASCADE,
  title TEXT NOT NULL CHECK (length(title) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('aller_vers', 'information', 'formation', 'autre')),
  owner TEXT NOT NULL DEFAULT '',
  target_public TEXT NOT NULL DEFAULT '',
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('prevue', 'en_cours', 'realisee', 'annulee')),
  planned_reach INTEGER NOT NULL DEFAULT 0 CHECK (planned_reach >= 0),
  actual_reach INTEGER NOT NULL DEFAULT -1 CHECK (actual_reach >= -1),
  description TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX animation_actions_departement ON animation_actions (departement, starts_on);
CREATE INDEX animation_actions_structure ON animation_actions (structure_id);

CREATE TABLE animation_action_partners (
  action_id INTEGER NOT NULL REFERENCES animation_actions (id) ON DELETE CASCADE,
  partner_id INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  PRIMARY KEY (action_id, partner_id)
) STRICT;
CREATE INDEX animation_action_partners_partner ON animation_action_partners (partner_id);

CREATE TABLE animation_events (
  id INTEGER PRIMARY KEY,
  action_id INTEGER NOT NULL REFERENCES animation_actions (id) ON DELETE CASCADE,
  title TEXT NOT NULL CHECK (length(title) > 0),
  held_on TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  capacity INTEGER NOT NULL CHECK (capacity >= 1),
  description TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX animation_events_action ON animation_events (action_id, held_on);

CREATE TABLE animation_registrations (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES animation_events (id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) > 0),
  email TEXT NOT NULL CHECK (length(email) > 0),
  category TEXT NOT NULL CHECK (category IN ('membre', 'professionnel', 'partenaire')),
  organisation TEXT NOT NULL DEFAULT '',
  partner_id INTEGER REFERENCES partners (id) ON DELETE SET NULL,
  place TEXT NOT NULL CHECK (place IN ('inscrit', 'attente', 'annule')),
  attendance TEXT NOT NULL DEFAULT '' CHECK (attendance IN ('', 'present', 'absent')),
  version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX animation_registrations_event ON animation_registrations (event_id, id);
CREATE UNIQUE INDEX animation_registrations_active_email
  ON animation_registrations (event_id, email) WHERE place <> 'annule';
