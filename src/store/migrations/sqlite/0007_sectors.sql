-- ROC sectors: a département split into contiguous sectors, each followed by a referent (and a
-- deputy). Plans are versioned per département and never edited: saving makes a new version,
-- and the highest version is the one in force ("Qui est mon ROC ?", the portfolio's sector
-- filter). Timestamps are UTC text "YYYY-MM-DDTHH:MM:SS.mmmZ".

CREATE TABLE sector_plans (
  id INTEGER PRIMARY KEY,
  departement TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  k INTEGER NOT NULL CHECK (k BETWEEN 1 AND 12),
  weight_population REAL NOT NULL CHECK (weight_population >= 0),
  weight_structures REAL NOT NULL CHECK (weight_structures >= 0),
  weight_professionals REAL NOT NULL CHECK (weight_professionals >= 0),
  tolerance REAL NOT NULL CHECK (tolerance >= 0),
  cut_edges INTEGER NOT NULL CHECK (cut_edges >= 0),
  lower_bound INTEGER,  -- proven by the solver; NULL once the plan was edited by hand
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (departement, version)
) STRICT;

CREATE TABLE sector_plan_sectors (
  plan_id INTEGER NOT NULL REFERENCES sector_plans (id) ON DELETE CASCADE,
  sector INTEGER NOT NULL CHECK (sector >= 0),
  label TEXT NOT NULL CHECK (length(label) > 0),
  referent_user_id INTEGER REFERENCES users (id),
  deputy_user_id INTEGER REFERENCES users (id),
  PRIMARY KEY (plan_id, sector)
) STRICT;

CREATE TABLE sector_plan_communes (
  plan_id INTEGER NOT NULL REFERENCES sector_plans (id) ON DELETE CASCADE,
  commune TEXT NOT NULL,
  sector INTEGER NOT NULL CHECK (sector >= 0),
  PRIMARY KEY (plan_id, commune)
) STRICT;
CREATE INDEX sector_plan_communes_commune ON sector_plan_communes (commune);

-- Referent management: what each referent does in an area (fonction: 'roc', 'delegue',
-- 'praticien_conseil', 'contact_ars'), since when and who said so; the areas they left are kept
-- in referent_history (never edited).
ALTER TABLE referent_areas ADD COLUMN fonction TEXT NOT NULL DEFAULT 'roc';
ALTER TABLE referent_areas ADD COLUMN since TEXT NOT NULL DEFAULT '';
ALTER TABLE referent_areas ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE structure_referents ADD COLUMN fonction TEXT NOT NULL DEFAULT 'roc';
ALTER TABLE structure_referents ADD COLUMN since TEXT NOT NULL DEFAULT '';
ALTER TABLE structure_referents ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

CREATE TABLE referent_history (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  departement TEXT NOT NULL,
  area_kind TEXT NOT NULL CHECK (area_kind IN ('departement', 'epci', 'commune', 'structure')),
  code TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  fonction TEXT NOT NULL,
  since TEXT NOT NULL,
  until TEXT NOT NULL,
  created_by TEXT NOT NULL,
  ended_by TEXT NOT NULL
) STRICT;
CREATE INDEX referent_history_departement ON referent_history (departement, until);
