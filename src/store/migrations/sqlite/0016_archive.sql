-- Archiving a structure (issue 12): an archived structure leaves every list, map, count, alert
-- and choice of the application, but keeps its page, history, documents, contracts and audit
-- rows, and can be brought back. `archived_at` is the UTC timestamp of the archiving (NULL: not
-- archived), `archived_by` the login, `archive_reason` the reason the ROC gave.
ALTER TABLE structures ADD COLUMN archived_at TEXT;
ALTER TABLE structures ADD COLUMN archived_by TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';

-- The one filter: every query that LISTS structures for a view (coverage map, counts, sector
-- workloads, choices in forms, the diagnostic's neighbours) reads this view; a lookup by id reads
-- `structures` (an archived structure's page, contracts and history stay reachable). The
-- registry's own lists filter on archived_at themselves (they can also show the archives).
-- (PostgreSQL expands `*` when the view is created: a column added to `structures` later is not
-- in the view until it is recreated; lookups by id never need the view.)
CREATE VIEW active_structures AS SELECT * FROM structures WHERE archived_at IS NULL;
