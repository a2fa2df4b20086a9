-- The projet de santé pre-draft (src/services/projet_sante.cpp): the missions a structure chose,
-- the porteurs' texts at each prompt of the template (current text and every earlier version,
-- with who wrote it), the regional templates (versioned: the highest version of a région is in
-- force) and the submissions (the generated document itself is a structure document).
-- Timestamps are UTC text "YYYY-MM-DDTHH:MM:SS.mmmZ".

CREATE TABLE projet_drafts (
  structure_id INTEGER PRIMARY KEY REFERENCES structures (id) ON DELETE CASCADE,
  missions TEXT NOT NULL DEFAULT '',  -- chosen optional mission ids, comma-separated
  version INTEGER NOT NULL CHECK (version >= 1),
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE projet_texts (
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  prompt TEXT NOT NULL CHECK (length(prompt) > 0),
  body TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  author TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (structure_id, prompt)
) STRICT;

CREATE TABLE projet_text_history (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  prompt TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  body TEXT NOT NULL,
  author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  author TEXT NOT NULL,
  written_at TEXT NOT NULL,
  UNIQUE (structure_id, prompt, version)
) STRICT;

CREATE TABLE projet_templates (
  id INTEGER PRIMARY KEY,
  region TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  body TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (region, version)
) STRICT;

CREATE TABLE projet_submissions (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  document_id INTEGER NOT NULL REFERENCES structure_documents (id) ON DELETE CASCADE,
  template_label TEXT NOT NULL,
  missions TEXT NOT NULL,
  submitted_by TEXT NOT NULL,
  submitted_at TEXT NOT NULL
) STRICT;
CREATE INDEX projet_submissions_structure ON projet_submissions (structure_id);

-- Comments of the readers (ROC, ARS, chargé de mission) and the coordination on a chapter.
CREATE TABLE projet_comments (
  id INTEGER PRIMARY KEY,
  structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
  chapter TEXT NOT NULL,
  body TEXT NOT NULL CHECK (length(body) > 0),
  author TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX projet_comments_structure ON projet_comments (structure_id);
