-- The CA outbox and the certificates the CA issued.
--
-- A request row is committed before anything goes on the wire.  Its id is
-- the idempotency id (sent to the CA as X-Request-ID / CMP transactionID);
-- csr_spki_sha256 traces a certificate at the CA back to its request, as
-- cfssl 1.2 keeps nothing of a request but the certificate.
-- state: queued -> sending -> done | failed | retry (-> sending ...).
-- A row in `sending` belongs to the process sending_pid until lease_until
-- (wall-clock seconds); after that, or when that process is gone, the
-- outcome is unknown and the row is reconciled before it is sent again.
CREATE TABLE ca_requests (
	id TEXT PRIMARY KEY,
	app_id INTEGER NOT NULL REFERENCES applications(id),
	kind TEXT NOT NULL CHECK (kind IN ('enroll', 'renew', 'revoke')),
	csr_pem TEXT,
	csr_spki_sha256 TEXT,
	profile TEXT,
	subject TEXT,                      -- JSON {"CN":..,"O":..,"C":..} as approved
	revoke_serial TEXT,                -- hex, the certificate to revoke
	revoke_reason INTEGER,             -- RFC 5280 CRLReason
	state TEXT NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'sending', 'retry', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_try_at INTEGER NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	sending_pid INTEGER NOT NULL DEFAULT 0,
	lease_until INTEGER NOT NULL DEFAULT 0,
	unknown_outcomes INTEGER NOT NULL DEFAULT 0, -- sends whose answer was lost (crash)
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	done_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ca_requests_due ON ca_requests(state, next_try_at, created_at);
CREATE INDEX ca_requests_app ON ca_requests(app_id, created_at);
CREATE INDEX ca_requests_spki ON ca_requests(csr_spki_sha256);
-- At most one open request per application.
CREATE UNIQUE INDEX ca_requests_open ON ca_requests(app_id)
	WHERE state IN ('queued', 'sending', 'retry');

-- Certificates as issued and checked.  One per request at most: the RA
-- never records two certificates for one request.
CREATE TABLE certificates (
	id INTEGER PRIMARY KEY,
	app_id INTEGER NOT NULL REFERENCES applications(id),
	request_id TEXT NOT NULL UNIQUE REFERENCES ca_requests(id),
	serial_hex TEXT NOT NULL,
	serial_dec TEXT NOT NULL,
	issuer TEXT NOT NULL,
	subject TEXT NOT NULL,
	spki_sha256 TEXT NOT NULL,
	not_before INTEGER NOT NULL,
	not_after INTEGER NOT NULL,
	pem TEXT NOT NULL,
	chain_pem TEXT,
	status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'superseded', 'revoked')),
	revoke_reason INTEGER,
	revoked_at INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	UNIQUE (issuer, serial_hex)
);
CREATE INDEX certificates_app ON certificates(app_id, created_at);
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN SELECT RAISE(ABORT, 'certificates are never deleted'); END;
