-- Territories of structures (CPTS): the communes of each territory, the history of its versions
-- and the CSV imports waiting for the user's confirmation. The territory's optimistic version is
-- the structure's own `version` (a territory save bumps it), so two users editing the same
-- structure conflict whatever part they edit. Timestamps are UTC text, as in 0001.

CREATE TABLE structure_communes (
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  commune TEXT NOT NULL,
  PRIMARY KEY (structure_id, commune)
) STRICT;
-- "Which structures cover this commune?" (overlaps, "Qui est mon ROC ?").
CREATE INDEX structure_communes_commune ON structure_communes (commune);

-- One row per saved version of a territory: what it was, who saved it, when. The communes are
-- the INSEE codes separated by commas (a snapshot, never queried by commune).
CREATE TABLE territory_history (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  at TEXT NOT NULL,
  user_login TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('edit', 'csv', 'demo')),
  communes TEXT NOT NULL,
  commune_count INTEGER NOT NULL,
  population INTEGER NOT NULL
) STRICT;
CREATE INDEX territory_history_structure ON territory_history (structure_id, version);

-- A CSV import previewed but not confirmed yet. Stored in the database (not in the server's
-- memory) so that any server instance can confirm it; the token is random and the row belongs
-- to the user who uploaded it. Expired rows are deleted on the next import.
CREATE TABLE territory_imports (
  token TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  base_version INTEGER NOT NULL,
  file_name TEXT NOT NULL,
  communes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX territory_imports_expires ON territory_imports (expires_at);
