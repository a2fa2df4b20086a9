-- Association life, continued (src/services/association_ag.cpp, association_work.cpp, association_time.cpp): the AG
-- rules of the statuts, the assemblées générales (agenda of resolutions, convocations, proxies,
-- émargement, votes), the working groups and their meetings, and the time members give with the
-- hourly rates that turn it into indemnities. Quorum, vote results and the yearly cap are never
-- stored: src/association computes them from these rows. Dates are "YYYY-MM-DD", times "HH:MM"
-- (Europe/Paris), timestamps UTC text "YYYY-MM-DDTHH:MM:SS.mmmZ"; amounts in cents.

-- The AG options of the statuts (one row per structure; absent: the engine's defaults).
CREATE TABLE association_ag_rules (
  structure_id INTEGER PRIMARY KEY REFERENCES association_statuts (structure_id) ON DELETE CASCADE,
  convocation_days INTEGER NOT NULL DEFAULT 15 CHECK (convocation_days BETWEEN 0 AND 366),
  first_quorum TEXT NOT NULL DEFAULT 'global'
    CHECK (first_quorum IN ('none', 'global', 'per_college', 'weighted')),
  first_quorum_num INTEGER NOT NULL DEFAULT 1 CHECK (first_quorum_num >= 0),
  first_quorum_den INTEGER NOT NULL DEFAULT 4 CHECK (first_quorum_den >= 1),
  second_quorum TEXT NOT NULL DEFAULT 'none'
    CHECK (second_quorum IN ('none', 'global', 'per_college', 'weighted')),
  second_quorum_num INTEGER NOT NULL DEFAULT 0 CHECK (second_quorum_num >= 0),
  second_quorum_den INTEGER NOT NULL DEFAULT 1 CHECK (second_quorum_den >= 1),
  ordinary_majority TEXT NOT NULL DEFAULT 'simple'
    CHECK (ordinary_majority IN ('simple', 'absolute', 'two_thirds')),
  statuts_majority TEXT NOT NULL DEFAULT 'two_thirds'
    CHECK (statuts_majority IN ('simple', 'absolute', 'two_thirds')),
  abstentions_expressed INTEGER NOT NULL DEFAULT 0 CHECK (abstentions_expressed IN (0, 1)),
  empty_college_share TEXT NOT NULL DEFAULT 'redistributed'
    CHECK (empty_college_share IN ('redistributed', 'lost')),
  proxy_max INTEGER NOT NULL DEFAULT 1 CHECK (proxy_max BETWEEN 0 AND 100),
  proxy_same_college INTEGER NOT NULL DEFAULT 0 CHECK (proxy_same_college IN (0, 1)),
  vote_requires_dues INTEGER NOT NULL DEFAULT 1 CHECK (vote_requires_dues IN (0, 1))
) STRICT;

-- status: 'preparation' (agenda, convocations, online proxies), 'open' (the séance: the roll and
-- the rules are frozen in roll rows and `rules`, émargement and votes), 'closed' (read only).
CREATE TABLE association_assemblies (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('ordinaire', 'extraordinaire')),
  title TEXT NOT NULL CHECK (length(title) > 0),
  held_on TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  convocation TEXT NOT NULL CHECK (convocation IN ('first', 'second')),
  status TEXT NOT NULL CHECK (status IN ('preparation', 'open', 'closed')),
  convened_on TEXT,                       -- day the first convocations left
  convened_how TEXT NOT NULL DEFAULT '',  -- 'email', 'courrier'
  rules TEXT NOT NULL DEFAULT '',         -- JSON: the statuts when the séance opened
  opened_at TEXT,
  closed_at TEXT,
  version INTEGER NOT NULL CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX association_assemblies_structure ON association_assemblies (structure_id, held_on);

-- The agenda. outcome/explanation are written at closure ('' before).
CREATE TABLE association_resolutions (
  id INTEGER PRIMARY KEY,
  assembly_id INTEGER NOT NULL REFERENCES association_assemblies (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  title TEXT NOT NULL CHECK (length(title) > 0),
  body TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('ordinaire', 'statuts')),
  ballot TEXT NOT NULL CHECK (ballot IN ('public', 'secret')),
  outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'adoptee', 'rejetee')),
  explanation TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX association_resolutions_assembly ON association_resolutions (assembly_id, position);

-- The members with a vote, frozen when the séance opens, and the émargement.
CREATE TABLE association_assembly_roll (
  assembly_id INTEGER NOT NULL REFERENCES association_assemblies (id) ON DELETE CASCADE,
  member_id INTEGER NOT NULL REFERENCES association_members (id) ON DELETE CASCADE,
  college TEXT NOT NULL,
  presence TEXT NOT NULL DEFAULT 'absent' CHECK (presence IN ('present', 'excused', 'absent')),
  marked_by TEXT NOT NULL DEFAULT '',
  marked_at TEXT,
  PRIMARY KEY (assembly_id, member_id)
) STRICT;

-- Pouvoirs, in the order given (the engine examines them in id order). online: given by the
-- member from their account before the AG; otherwise recorded by the coordination.
CREATE TABLE association_proxies (
  id INTEGER PRIMARY KEY,
  assembly_id INTEGER NOT NULL REFERENCES association_assemblies (id) ON DELETE CASCADE,
  giver_id INTEGER NOT NULL REFERENCES association_members (id) ON DELETE CASCADE,
  holder_id INTEGER NOT NULL REFERENCES association_members (id) ON DELETE CASCADE,
  online INTEGER NOT NULL CHECK (online IN (0, 1)),
  given_by TEXT NOT NULL,
  given_at TEXT NOT NULL,
  UNIQUE (assembly_id, giver_id)
) STRICT;

-- Votes by show of hands, one per member present or represented (a holder's vote for a giver is
-- recorded under the giver).
CREATE TABLE association_votes (
  resolution_id INTEGER NOT NULL REFERENCES association_resolutions (id) ON DELETE CASCADE,
  member_id INTEGER NOT NULL REFERENCES association_members (id) ON DELETE CASCADE,
  ballot TEXT NOT NULL CHECK (ballot IN ('pour', 'contre', 'abstention')),
  PRIMARY KEY (resolution_id, member_id)
) STRICT;

-- Secret ballot: the counts of the urn per collège.
CREATE TABLE association_ballot_counts (
  resolution_id INTEGER NOT NULL REFERENCES association_resolutions (id) ON DELETE CASCADE,
  college TEXT NOT NULL,
  pour INTEGER NOT NULL CHECK (pour >= 0),
  contre INTEGER NOT NULL CHECK (contre >= 0),
  abstention INTEGER NOT NULL CHECK (abstention >= 0),
  PRIMARY KEY (resolution_id, college)
) STRICT;

-- Every convocation sent (channel 'email': one row per member, status 'sent', 'failed' or
-- 'no_address'; channel 'courrier': one row saying the letters left on `sent_on`).
CREATE TABLE association_convocations (
  id INTEGER PRIMARY KEY,
  assembly_id INTEGER NOT NULL REFERENCES association_assemblies (id) ON DELETE CASCADE,
  member_id INTEGER REFERENCES association_members (id) ON DELETE SET NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'courrier')),
  address TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'no_address', 'recorded')),
  detail TEXT NOT NULL DEFAULT '',
  sent_on TEXT NOT NULL,
  sent_by TEXT NOT NULL,
  sent_at TEXT NOT NULL
) STRICT;
CREATE INDEX association_convocations_assembly ON association_convocations (assembly_id);

-- Working groups (groupes de travail, commissions); mission: ACI mission id ('' : none).
CREATE TABLE association_groups (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) > 0),
  mission TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX association_groups_structure ON association_groups (structure_id);

CREATE TABLE association_group_members (
  group_id INTEGER NOT NULL REFERENCES association_groups (id) ON DELETE CASCADE,
  member_id INTEGER NOT NULL REFERENCES association_members (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('pilote', 'membre')),
  PRIMARY KEY (group_id, member_id)
) STRICT;

CREATE TABLE association_meetings (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES association_groups (id) ON DELETE CASCADE,
  structure_id INTEGER NOT NULL,
  held_on TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  minutes TEXT NOT NULL DEFAULT '',  -- compte rendu
  version INTEGER NOT NULL CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX association_meetings_group ON association_meetings (group_id, held_on);

CREATE TABLE association_meeting_attendance (
  meeting_id INTEGER NOT NULL REFERENCES association_meetings (id) ON DELETE CASCADE,
  member_id INTEGER NOT NULL REFERENCES association_members (id) ON DELETE CASCADE,
  presence TEXT NOT NULL CHECK (presence IN ('present', 'excused', 'absent')),
  PRIMARY KEY (meeting_id, member_id)
) STRICT;

-- Hourly indemnity rates the structure decided, per year and RPPS profession code, with the
-- decision that set them (source) or flagged unverified.
CREATE TABLE association_rates (
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  year INTEGER NOT NULL CHECK (year BETWEEN 1901 AND 9999),
  profession TEXT NOT NULL CHECK (length(profession) > 0),
  cents_per_hour INTEGER NOT NULL CHECK (cents_per_hour > 0),
  source TEXT NOT NULL DEFAULT '',
  unverified INTEGER NOT NULL DEFAULT 0 CHECK (unverified IN (0, 1)),
  PRIMARY KEY (structure_id, year, profession)
) STRICT;

-- Time given by members; status 'pending' until the coordination validates or refuses it. The
-- amount is never stored: hours × the rate of the member's profession for the year.
CREATE TABLE association_time_entries (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  member_id INTEGER NOT NULL REFERENCES association_members (id) ON DELETE CASCADE,
  worked_on TEXT NOT NULL,
  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
  activity TEXT NOT NULL CHECK (length(activity) > 0),
  mission TEXT NOT NULL DEFAULT '',
  group_id INTEGER REFERENCES association_groups (id) ON DELETE SET NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'validated', 'refused')),
  decided_by TEXT NOT NULL DEFAULT '',
  decided_at TEXT,
  decision_note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX association_time_entries_member ON association_time_entries (structure_id, member_id, worked_on);
