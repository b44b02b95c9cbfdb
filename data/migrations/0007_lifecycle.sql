-- After issuance: written revocation requests and the RA's promise,
-- renewals, wrong verification answers, expiry notices and purged records.

-- One row per written revocation request.  pending: waiting for a second
-- operator; approved: approved, not yet in the CA outbox; queued: in the
-- outbox (careq_id); done: the CA confirmed; failed: the CA refused;
-- withdrawn: the request was taken back.  due_at is the RA's promise.
CREATE TABLE revocation_requests (
	id INTEGER PRIMARY KEY,
	app_id INTEGER NOT NULL REFERENCES applications(id),
	purpose TEXT NOT NULL CHECK (purpose IN ('revoke', 'reissue', 'change', 'ceased')),
	reason INTEGER NOT NULL CHECK (reason BETWEEN 0 AND 10),
	serial_hex TEXT NOT NULL,
	note TEXT,
	in_person INTEGER NOT NULL DEFAULT 0,
	batch TEXT,                     -- ceased organizations: one batch per action
	evidence_sha256 TEXT,           -- the evidence document (file under data_dir/evidence)
	evidence_name TEXT,
	requested_at INTEGER NOT NULL,  -- the written request was received
	due_at INTEGER NOT NULL,
	recorded_by TEXT NOT NULL,
	recorded_at INTEGER NOT NULL,
	approved_by TEXT,
	approved_at INTEGER,
	careq_id TEXT,
	status TEXT NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'approved', 'queued', 'done', 'failed', 'withdrawn')),
	status_reason TEXT,
	done_at INTEGER,
	new_csr TEXT,                   -- reissue: enrolled once the revocation is confirmed
	new_careq_id TEXT,
	ukey_serial TEXT,               -- reissue: the old token and what became of it
	ukey_fate TEXT CHECK (ukey_fate IS NULL OR ukey_fate IN ('lost', 'destroyed')),
	new_app_no TEXT                 -- change of information: the linked new application
);
CREATE UNIQUE INDEX revocation_open ON revocation_requests(app_id)
	WHERE status IN ('pending', 'approved', 'queued');
CREATE INDEX revocation_status ON revocation_requests(status, due_at);
CREATE INDEX revocation_batch ON revocation_requests(batch);

-- Renewals: the proof given and the outbox request of the new certificate.
CREATE TABLE renewals (
	id INTEGER PRIMARY KEY,
	app_id INTEGER NOT NULL REFERENCES applications(id),
	old_serial TEXT NOT NULL,
	proof TEXT NOT NULL CHECK (proof IN ('answer', 'id_sighted')),
	careq_id TEXT NOT NULL,
	receipt TEXT,
	operator TEXT NOT NULL,
	at INTEGER NOT NULL
);

-- Wrong verification answers at renewal; locked after five.
CREATE TABLE answer_attempts (
	app_id INTEGER PRIMARY KEY REFERENCES applications(id),
	failures INTEGER NOT NULL,
	last_at INTEGER NOT NULL,
	locked_at INTEGER
);

-- The agent is told once per certificate that it expires soon.
CREATE TABLE expiry_notices (
	app_id INTEGER NOT NULL REFERENCES applications(id),
	serial_hex TEXT NOT NULL,
	not_after INTEGER NOT NULL,
	notified_at INTEGER NOT NULL,
	PRIMARY KEY (app_id, serial_hex)
);

-- Applications whose personal data were removed after the retention
-- period, and the archive that keeps them.
CREATE TABLE purged_applications (
	app_id INTEGER PRIMARY KEY REFERENCES applications(id),
	archive_sha256 TEXT NOT NULL,
	purged_by TEXT NOT NULL,
	purged_at INTEGER NOT NULL
);
