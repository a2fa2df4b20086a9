-- Accounts, sessions, login attempts, audit log and the minimal structures table that user
-- scopes refer to. Timestamps are UTC text "YYYY-MM-DDTHH:MM:SS.mmmZ" (fixed width: text order
-- is time order); booleans are 0/1 integers, so that one SQL text serves both backends.

CREATE TABLE structures (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('CPTS', 'MSP', 'ESP', 'CDS')),
  name TEXT NOT NULL CHECK (length(name) > 0),
  departement TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX structures_departement ON structures (departement);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL CHECK (length(login) > 0),
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'observer', 'ars', 'roc', 'charge_de_mission',
                                     'coordinator', 'member')),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
) STRICT;
-- Logins are unique whatever their case (services also look them up through lower()).
CREATE UNIQUE INDEX users_login_ci ON users (lower(login));

CREATE TABLE user_departements (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  departement TEXT NOT NULL,
  PRIMARY KEY (user_id, departement)
) STRICT;

CREATE TABLE user_regions (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  region TEXT NOT NULL,
  PRIMARY KEY (user_id, region)
) STRICT;

CREATE TABLE user_structures (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, structure_id)
) STRICT;
CREATE INDEX user_structures_structure ON user_structures (structure_id);

-- Only the SHA-256 of the session token is stored: a leaked table does not open sessions.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  client_address TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Login attempts, kept for the rate-limit window; shared by every server instance.
CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL,
  client_address TEXT NOT NULL,
  at TEXT NOT NULL,
  success INTEGER NOT NULL CHECK (success IN (0, 1))
) STRICT;
CREATE INDEX login_attempts_login ON login_attempts (login, at);
CREATE INDEX login_attempts_client ON login_attempts (client_address, at);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_login TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL DEFAULT '',
  before TEXT,
  after TEXT
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);
