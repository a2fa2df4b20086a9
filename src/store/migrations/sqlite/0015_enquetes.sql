-- Surveys of professionals (issue 18 item 3; src/survey, src/services/survey*.cpp). A survey
-- belongs to one structure; its questions are rows (option, day and slot labels joined by
-- newlines); each recipient gets a personal link whose random token is stored only as its
-- SHA-256 hash; one answer per recipient, one row per answered question holding the answer's
-- stored text (src/survey encode/decode). Answers are about the professionals' organisation,
-- never about patients. Dates "YYYY-MM-DD", timestamps UTC text "YYYY-MM-DDTHH:MM:SS.mmmZ".

-- status: 'draft' (questions editable), 'open' (sent: answers accepted until closes_on),
-- 'closed' (read only).
CREATE TABLE surveys (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  title TEXT NOT NULL CHECK (length(title) > 0),
  intro TEXT NOT NULL DEFAULT '',
  closes_on TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
  opened_at TEXT,
  closed_at TEXT,
  version INTEGER NOT NULL CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX surveys_structure ON surveys (structure_id, created_at);

CREATE TABLE survey_questions (
  survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  question_id TEXT NOT NULL,
  kind TEXT NOT NULL
    CHECK (kind IN ('choix_unique', 'choix_multiple', 'nombre', 'date', 'texte', 'grille')),
  label TEXT NOT NULL,
  help TEXT NOT NULL DEFAULT '',
  required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
  options TEXT NOT NULL DEFAULT '',
  max_choices INTEGER NOT NULL DEFAULT 0,
  min_value REAL,
  max_value REAL,
  integer_only INTEGER NOT NULL DEFAULT 0 CHECK (integer_only IN (0, 1)),
  min_date TEXT NOT NULL DEFAULT '',
  max_date TEXT NOT NULL DEFAULT '',
  max_length INTEGER NOT NULL DEFAULT 500,
  days TEXT NOT NULL DEFAULT '',
  slots TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (survey_id, ordinal),
  UNIQUE (survey_id, question_id)
) STRICT;

-- source: 'membre' (a member of the structure), 'rpps' (a professional of the territory in the
-- RPPS extract, reached at the e-mail of the member record holding their RPPS id), 'liste'
-- (pasted). token_hash: hex SHA-256 of the link's token (the token itself is never stored).
CREATE TABLE survey_recipients (
  id INTEGER PRIMARY KEY,
  survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL CHECK (source IN ('membre', 'rpps', 'liste')),
  member_id INTEGER,
  token_hash TEXT NOT NULL UNIQUE,
  sent_at TEXT,
  send_error TEXT NOT NULL DEFAULT '',
  answered_at TEXT,
  answer_version INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  UNIQUE (survey_id, email)
) STRICT;

CREATE TABLE survey_answers (
  recipient_id INTEGER NOT NULL REFERENCES survey_recipients (id) ON DELETE CASCADE,
  survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
  question_id TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (recipient_id, question_id)
) STRICT;
CREATE INDEX survey_answers_survey ON survey_answers (survey_id);

-- Newsletters and messages (issue 18 item 4; src/message, src/services/newsletter*.cpp): the body
-- is stored sanitised (src/message) with its text rendering; attachments in base64; one delivery
-- row per recipient, sent in the background at a limited rate, with the server's answer
-- ('refused' keeps its reason); a recipient's unsubscribe link (a random token stored hashed)
-- adds the address to the structure's opt-out list, which later sends honour.
CREATE TABLE newsletters (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  subject TEXT NOT NULL CHECK (length(subject) > 0),
  body_html TEXT NOT NULL,
  body_text TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'queued', 'sent')),
  link_base TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL CHECK (version >= 1),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  queued_at TEXT,
  finished_at TEXT
) STRICT;
CREATE INDEX newsletters_structure ON newsletters (structure_id, created_at);

CREATE TABLE newsletter_attachments (
  newsletter_id INTEGER NOT NULL REFERENCES newsletters (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (newsletter_id, ordinal)
) STRICT;

-- status: 'pending' (queued), 'sent' (accepted by the server), 'refused' (refused by the server,
-- reason kept), 'unsubscribed' (the address opted out before its turn came).
CREATE TABLE newsletter_deliveries (
  id INTEGER PRIMARY KEY,
  newsletter_id INTEGER NOT NULL REFERENCES newsletters (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL CHECK (source IN ('membre', 'rpps', 'liste')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'refused', 'unsubscribed')),
  reason TEXT NOT NULL DEFAULT '',
  token_hash TEXT UNIQUE,
  sent_at TEXT,
  UNIQUE (newsletter_id, email)
) STRICT;
CREATE INDEX newsletter_deliveries_status ON newsletter_deliveries (status, newsletter_id, id);

CREATE TABLE newsletter_unsubscribes (
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  unsubscribed_at TEXT NOT NULL,
  PRIMARY KEY (structure_id, email)
) STRICT;
