-- One-time links that let a user choose a new password (issued by an admin: sent by e-mail
-- through the SMTP setting, or shown once to the admin). Only the token's SHA-256 is kept; a
-- link ends when used, when a newer link is issued for the user (revoked), or at expires_at.
CREATE TABLE password_resets (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at TEXT,
  outcome TEXT CHECK (outcome IS NULL OR outcome IN ('used', 'revoked'))
) STRICT;
CREATE INDEX password_resets_user ON password_resets (user_id);
