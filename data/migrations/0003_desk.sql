-- The desk: document checklist, scans, payments and receipts, the review
-- queue and the notification outbox.

-- Scans are stored as files named by their SHA-256 under the data
-- directory; this table remembers what was imported.
CREATE TABLE scans (
	sha256 TEXT PRIMARY KEY,
	size INTEGER NOT NULL,
	width INTEGER NOT NULL,
	height INTEGER NOT NULL,
	imported_by TEXT NOT NULL,
	imported_at INTEGER NOT NULL
);

-- One row per document of an application that someone has touched; a
-- document without a row is missing.  The checklist itself follows from
-- the application's kind and product.
CREATE TABLE app_documents (
	app_id INTEGER NOT NULL REFERENCES applications(id),
	type TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('missing', 'received', 'verified', 'rejected')),
	note TEXT,
	operator TEXT NOT NULL,
	at INTEGER NOT NULL,
	scan_sha256 TEXT REFERENCES scans(sha256),
	PRIMARY KEY (app_id, type)
);

-- Payments and refunds: amounts in fen, refunds are negative rows that
-- point at the payment they return.  Nothing is ever updated or deleted.
CREATE TABLE payments (
	id INTEGER PRIMARY KEY,
	receipt TEXT NOT NULL UNIQUE,
	app_id INTEGER NOT NULL REFERENCES applications(id),
	amount INTEGER NOT NULL CHECK (amount <> 0),
	method TEXT NOT NULL CHECK (method IN ('cash', 'card', 'transfer', 'qr')),
	ref TEXT,
	refund_of INTEGER UNIQUE REFERENCES payments(id),
	reason TEXT,
	operator TEXT NOT NULL,
	at INTEGER NOT NULL,
	day TEXT NOT NULL              -- local date of the service point, for the cash-up
);
CREATE INDEX payments_app ON payments(app_id);
CREATE INDEX payments_day ON payments(day, operator, method);
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are never changed; record a refund'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments are never deleted; record a refund'); END;

CREATE TABLE receipt_counters (
	day TEXT PRIMARY KEY,
	last INTEGER NOT NULL
);

-- The review queue: a row from the moment an application is paid until it
-- is decided.  A claim is held until expires_at; expired rows are free.
CREATE TABLE review_queue (
	app_id INTEGER PRIMARY KEY REFERENCES applications(id),
	queued_at INTEGER NOT NULL,
	reviewer TEXT,
	claimed_at INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX review_queue_order ON review_queue(queued_at, app_id);

-- Messages to the agent, written in the transaction of the state change
-- and sent later.  recipient holds a sealed mobile ("v1:...") or an email.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	app_id INTEGER NOT NULL REFERENCES applications(id),
	channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
	recipient TEXT NOT NULL,
	event TEXT NOT NULL,
	body TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL,
	lease_until INTEGER NOT NULL DEFAULT 0,
	last_error TEXT,
	created_at INTEGER NOT NULL,
	sent_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due ON outbox(status, next_at);
