-- Permanences planner: planning campaigns of a structure (periods of slots, invited members,
-- availabilities), background solve jobs, the roster (assignments), swaps and their history.
-- Timestamps are UTC text "YYYY-MM-DDTHH:MM:SS.mmmZ", calendar days "YYYY-MM-DD", times "HH:MM",
-- booleans 0/1 integers. No patient data: members are professionals.

CREATE TABLE roster_campaigns (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) > 0),
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('brouillon', 'collecte', 'resolu', 'publie')),
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  time_limit_seconds INTEGER NOT NULL CHECK (time_limit_seconds BETWEEN 1 AND 600),
  fairness_weight INTEGER NOT NULL CHECK (fairness_weight >= 0),
  open_slot_weight INTEGER NOT NULL CHECK (open_slot_weight >= 0),
  wish_weight INTEGER NOT NULL CHECK (wish_weight >= 0),
  rest_after_night_days INTEGER NOT NULL CHECK (rest_after_night_days >= 0),
  default_monthly_cap INTEGER CHECK (default_monthly_cap >= 0),
  version INTEGER NOT NULL DEFAULT 1,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  published_at TEXT
) STRICT;
CREATE INDEX roster_campaigns_structure ON roster_campaigns (structure_id);

CREATE TABLE roster_slots (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES roster_campaigns (id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  ends_next_day INTEGER NOT NULL DEFAULT 0 CHECK (ends_next_day IN (0, 1)),
  kind TEXT NOT NULL CHECK (kind IN ('snp', 'pdsa', 'vaccination', 'crise', 'autre')),
  label TEXT NOT NULL DEFAULT '',
  profession TEXT NOT NULL CHECK (length(profession) > 0),
  required INTEGER NOT NULL CHECK (required >= 1)
) STRICT;
CREATE UNIQUE INDEX roster_slots_unique
  ON roster_slots (campaign_id, day, start_time, end_time, ends_next_day, kind, label, profession);

CREATE TABLE roster_members (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES roster_campaigns (id) ON DELETE CASCADE,
  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  display_name TEXT NOT NULL CHECK (length(display_name) > 0),
  profession TEXT NOT NULL CHECK (length(profession) > 0),
  monthly_cap INTEGER CHECK (monthly_cap >= 0),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX roster_members_campaign ON roster_members (campaign_id);
CREATE UNIQUE INDEX roster_members_user ON roster_members (campaign_id, user_id);

CREATE TABLE roster_availability (
  member_id INTEGER NOT NULL REFERENCES roster_members (id) ON DELETE CASCADE,
  slot_id INTEGER NOT NULL REFERENCES roster_slots (id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('disponible', 'souhaite', 'indisponible')),
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (member_id, slot_id)
) STRICT;
CREATE INDEX roster_availability_slot ON roster_availability (slot_id);

CREATE TABLE roster_assignments (
  slot_id INTEGER NOT NULL REFERENCES roster_slots (id) ON DELETE CASCADE,
  member_id INTEGER NOT NULL REFERENCES roster_members (id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('solveur', 'manuel', 'echange')),
  PRIMARY KEY (slot_id, member_id)
) STRICT;
CREATE INDEX roster_assignments_member ON roster_assignments (member_id);

-- Solve jobs: queued by the coordinator, run one at a time by a worker thread of a server
-- process (any instance may claim a queued job), polled by the page.
CREATE TABLE roster_jobs (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES roster_campaigns (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  progress REAL NOT NULL DEFAULT 0,
  objective INTEGER,
  lower_bound INTEGER,
  time_limit_seconds INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  result TEXT,
  requested_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
) STRICT;
CREATE INDEX roster_jobs_campaign ON roster_jobs (campaign_id, id);
CREATE INDEX roster_jobs_status ON roster_jobs (status, id);

-- A swap (the member gives their slot and takes other_slot_id of to_member_id) or a
-- replacement (to_member_id takes the slot, other_slot_id is NULL). Rows are never deleted:
-- they are the history.
CREATE TABLE roster_swaps (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES roster_campaigns (id) ON DELETE CASCADE,
  slot_id INTEGER NOT NULL REFERENCES roster_slots (id) ON DELETE CASCADE,
  from_member_id INTEGER NOT NULL REFERENCES roster_members (id) ON DELETE CASCADE,
  to_member_id INTEGER NOT NULL REFERENCES roster_members (id) ON DELETE CASCADE,
  other_slot_id INTEGER REFERENCES roster_slots (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('proposee', 'approuvee', 'refusee')),
  comment TEXT NOT NULL DEFAULT '',
  proposed_by TEXT NOT NULL,
  decided_by TEXT,
  created_at TEXT NOT NULL,
  decided_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX roster_swaps_campaign ON roster_swaps (campaign_id, id);
