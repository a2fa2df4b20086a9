-- RPPS imports from the browser: one row per uploaded extract, imported in the background by the
-- server (services/rpps_imports.hpp). The row carries the progress (bytes read of the total) and,
-- once done, the report: counts, bad lines by reason and the first bad lines with their numbers.
-- At most one import is queued or running at a time: `active` is 1 then and NULL afterwards, and
-- UNIQUE lets one row only hold the 1 (NULLs are distinct in SQLite and PostgreSQL alike).

CREATE TABLE rpps_imports (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  step TEXT NOT NULL DEFAULT '' CHECK (step IN ('', 'lecture', 'enregistrement')),
  active INTEGER UNIQUE CHECK (active = 1),
  file_name TEXT NOT NULL,              -- the name the user's file had (dates the snapshot)
  stored_file TEXT NOT NULL,            -- where it waits on the server's disk until imported
  bytes_total INTEGER NOT NULL,
  bytes_read INTEGER NOT NULL DEFAULT 0,
  queued_by TEXT NOT NULL,
  queued_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  snapshot_id INTEGER REFERENCES rpps_snapshots (id) ON DELETE SET NULL,
  message TEXT NOT NULL DEFAULT '',     -- why it failed (French)
  data_lines INTEGER NOT NULL DEFAULT 0,
  activities INTEGER NOT NULL DEFAULT 0,
  persons INTEGER NOT NULL DEFAULT 0,
  duplicate_lines INTEGER NOT NULL DEFAULT 0,
  skipped_lines INTEGER NOT NULL DEFAULT 0,
  bad_lines INTEGER NOT NULL DEFAULT 0,
  from_postcode INTEGER NOT NULL DEFAULT 0,
  bad_by_reason TEXT NOT NULL DEFAULT '{}',   -- JSON object: reason id → count
  first_bad_lines TEXT NOT NULL DEFAULT '[]'  -- JSON array of [line, reason id, detail]
) STRICT;
CREATE INDEX rpps_imports_status ON rpps_imports (status, id);
