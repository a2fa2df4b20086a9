-- Working groups and members' time (src/services/association_work*.cpp), continued from 0010:
-- optimistic versions on the hourly rates and the time entries (a validation or an edit made on
-- a stale page conflicts instead of overwriting), and who changed an entry last.
ALTER TABLE association_rates ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE association_rates ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
ALTER TABLE association_rates ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE association_time_entries ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE association_time_entries ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
ALTER TABLE association_time_entries ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
CREATE INDEX association_time_entries_status ON association_time_entries (structure_id, status);
