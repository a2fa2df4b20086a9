-- Association life of a structure (CPTS, MSP, ESP associations): its statuts (collèges and the
-- rule placing a member in one), its members (persons or legal persons with a representative) with
-- the history of every change, and the dues (tariffs per year and collège, payments). Membership
-- status is never stored: src/association computes it from the statuts, tariffs and payments.
-- Dates are "YYYY-MM-DD"; timestamps UTC text "YYYY-MM-DDTHH:MM:SS.mmmZ"; amounts in cents.

CREATE TABLE association_statuts (
  structure_id INTEGER PRIMARY KEY REFERENCES structures (id) ON DELETE CASCADE,
  weight_mode TEXT NOT NULL CHECK (weight_mode IN ('head_count', 'fixed_share')),
  period TEXT NOT NULL CHECK (period IN ('calendar_year', 'rolling_12_months')),
  default_college TEXT NOT NULL DEFAULT '',  -- '' : none
  version INTEGER NOT NULL CHECK (version >= 1),
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE association_colleges (
  structure_id INTEGER NOT NULL REFERENCES association_statuts (structure_id) ON DELETE CASCADE,
  college TEXT NOT NULL CHECK (length(college) > 0),
  name TEXT NOT NULL CHECK (length(name) > 0),
  position INTEGER NOT NULL,
  share_num INTEGER NOT NULL CHECK (share_num >= 0),
  share_den INTEGER NOT NULL CHECK (share_den >= 1),
  PRIMARY KEY (structure_id, college)
) STRICT;

-- kind 'profession': code is an RPPS profession code; kind 'legal': a kind of legal person.
CREATE TABLE association_placement (
  structure_id INTEGER NOT NULL REFERENCES association_statuts (structure_id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('profession', 'legal')),
  code TEXT NOT NULL CHECK (length(code) > 0),
  college TEXT NOT NULL,
  PRIMARY KEY (structure_id, kind, code)
) STRICT;

CREATE TABLE association_members (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('person', 'legal_person')),
  last_name TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL DEFAULT '',
  organisation TEXT NOT NULL DEFAULT '',    -- legal person: raison sociale
  legal_kind TEXT NOT NULL DEFAULT '',      -- legal person: pharmacie, ehpad, ...
  representative TEXT NOT NULL DEFAULT '',  -- legal person: who represents it
  profession TEXT NOT NULL DEFAULT '',      -- person: RPPS profession code
  rpps TEXT NOT NULL DEFAULT '',            -- 11 digits when known
  mode_exercice TEXT NOT NULL DEFAULT '',   -- liberal, salarie, mixte
  commune TEXT NOT NULL DEFAULT '',         -- INSEE code
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  college TEXT NOT NULL,
  bureau TEXT NOT NULL DEFAULT '',          -- president, tresorier, secretaire, membre
  joined TEXT NOT NULL,
  radiated TEXT,
  version INTEGER NOT NULL CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX association_members_structure ON association_members (structure_id, college);
CREATE INDEX association_members_email ON association_members (email);

-- Every change of a member, never edited: action 'create', 'update', 'import'; detail is a
-- French summary of the fields changed ("Collège : Médecins → Paramédicaux").
CREATE TABLE association_member_history (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES association_members (id) ON DELETE CASCADE,
  structure_id INTEGER NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX association_member_history_member ON association_member_history (member_id);

-- Dues of a year; college and profession '' mean any (the most specific tariff applies).
CREATE TABLE association_tariffs (
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  year INTEGER NOT NULL CHECK (year BETWEEN 1901 AND 9999),
  college TEXT NOT NULL DEFAULT '',
  profession TEXT NOT NULL DEFAULT '',
  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
  PRIMARY KEY (structure_id, year, college, profession)
) STRICT;

CREATE TABLE association_payments (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES association_members (id) ON DELETE CASCADE,
  structure_id INTEGER NOT NULL,
  paid_on TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  method TEXT NOT NULL,
  reference TEXT NOT NULL DEFAULT '',
  covers_year INTEGER,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX association_payments_member ON association_payments (member_id);
