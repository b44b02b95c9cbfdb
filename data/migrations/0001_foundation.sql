-- Operators and the audit trail.
CREATE TABLE operators (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL COLLATE NOCASE UNIQUE,
	role TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer', 'admin', 'auditor')),
	pw_hash TEXT NOT NULL,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	last_login_at INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit (
	seq INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	operator TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	details TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_object ON audit(object);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

-- The count and last hash of the trail, updated with every row, so that
-- rows cut from the end are noticed by the verifier.
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	entries INTEGER NOT NULL,
	hash TEXT NOT NULL
);
