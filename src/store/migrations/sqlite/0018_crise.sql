-- Crisis mode (issue 18 item 5; src/survey/crisis, src/services/crisis*.cpp). Opening a crisis
-- creates, in one transaction, a survey of availabilities (0015), a planning campaign (0006) over
-- the same slots and a draft message (0015); this row ties them together with the plan (period,
-- chosen days, time windows and their needs) and the audience chosen at the opening.
-- crisis_people maps each respondent (a survey recipient, identified by e-mail) to the person of
-- the planning campaign made from their answer, and logs the final planning mail sent to them.
-- kind: 'vaccination', 'depistage', 'autre'. days: chosen days joined by newlines ('' = every day
-- of the period). No patient data: the people are professionals.
CREATE TABLE crises (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  title TEXT NOT NULL CHECK (length(title) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('vaccination', 'depistage', 'autre')),
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  days TEXT NOT NULL DEFAULT '',
  profession TEXT NOT NULL CHECK (length(profession) > 0),
  audience_members INTEGER NOT NULL DEFAULT 0 CHECK (audience_members IN (0, 1)),
  audience_rpps INTEGER NOT NULL DEFAULT 0 CHECK (audience_rpps IN (0, 1)),
  audience_professions TEXT NOT NULL DEFAULT '',
  audience_pasted TEXT NOT NULL DEFAULT '',
  survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
  campaign_id INTEGER NOT NULL REFERENCES roster_campaigns (id) ON DELETE CASCADE,
  newsletter_id INTEGER REFERENCES newsletters (id) ON DELETE SET NULL,
  built_at TEXT,
  planning_sent_at TEXT,
  version INTEGER NOT NULL CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX crises_structure ON crises (structure_id, created_at);

CREATE TABLE crisis_windows (
  crisis_id INTEGER NOT NULL REFERENCES crises (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  need INTEGER NOT NULL CHECK (need >= 1),
  PRIMARY KEY (crisis_id, ordinal)
) STRICT;

CREATE TABLE crisis_people (
  crisis_id INTEGER NOT NULL REFERENCES crises (id) ON DELETE CASCADE,
  recipient_id INTEGER NOT NULL REFERENCES survey_recipients (id) ON DELETE CASCADE,
  member_id INTEGER REFERENCES roster_members (id) ON DELETE SET NULL,
  planning_sent_at TEXT,
  planning_error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (crisis_id, recipient_id)
) STRICT;
