-- Applications.  Personal identifiers (ID numbers, credit codes, mobiles)
-- are stored sealed (AES-256-GCM, "v1:..." text) with a keyed blind index
-- (hex HMAC-SHA-256) to find them; never in clear.
CREATE TABLE applications (
	id INTEGER PRIMARY KEY,
	no TEXT NOT NULL UNIQUE,                 -- RA-20261121-000123
	service_point TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('individual', 'organization')),
	product TEXT NOT NULL,
	years INTEGER NOT NULL DEFAULT 1 CHECK (years BETWEEN 1 AND 10),
	username TEXT COLLATE NOCASE,            -- NULL in a draft not yet given one
	state TEXT NOT NULL DEFAULT 'draft',
	version INTEGER NOT NULL DEFAULT 1,      -- optimistic concurrency
	subject_name TEXT,
	subject_id_type TEXT,
	subject_id_enc TEXT,
	subject_id_idx TEXT,
	subject_mobile_enc TEXT,
	subject_mobile_idx TEXT,
	subject_email TEXT,
	org_name TEXT,
	org_uscc_enc TEXT,
	org_uscc_idx TEXT,
	org_address TEXT,
	org_legal_rep TEXT,
	agent_name TEXT,
	agent_id_type TEXT,
	agent_id_enc TEXT,
	agent_id_idx TEXT,
	agent_mobile_enc TEXT,
	agent_mobile_idx TEXT,
	agent_email TEXT,
	verify_question TEXT,
	verify_answer_hash TEXT,                 -- Argon2id, never shown
	agreement_version TEXT,
	copied_from INTEGER REFERENCES applications(id),
	cancel_reason TEXT,
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL,
	updated_at INTEGER NOT NULL
);
-- A user name is unique across the RA among applications still alive.
CREATE UNIQUE INDEX applications_username ON applications(username COLLATE NOCASE)
	WHERE username IS NOT NULL AND state NOT IN ('cancelled', 'rejected_final');
-- (state) alone: the index carries the rowid, so "newest first" in a state needs no sort.
CREATE INDEX applications_state ON applications(state);
CREATE INDEX applications_creator ON applications(created_by, state);
CREATE INDEX applications_created ON applications(created_at);
CREATE INDEX applications_subject_id ON applications(subject_id_idx);
CREATE INDEX applications_subject_mobile ON applications(subject_mobile_idx);
CREATE INDEX applications_org_uscc ON applications(org_uscc_idx);
CREATE INDEX applications_agent_id ON applications(agent_id_idx);
CREATE INDEX applications_agent_mobile ON applications(agent_mobile_idx);

-- Name search: each name as a run of character bigrams, so a substring
-- query becomes a phrase of bigrams (works for two-character Chinese names,
-- which a trigram index cannot find).  rowid = applications.id.
CREATE VIRTUAL TABLE application_names USING fts5(grams, tokenize = 'unicode61 remove_diacritics 0');

-- Daily counters for application numbers, per service point.
CREATE TABLE app_counters (
	service_point TEXT NOT NULL,
	day TEXT NOT NULL,
	last INTEGER NOT NULL,
	PRIMARY KEY (service_point, day)
);
