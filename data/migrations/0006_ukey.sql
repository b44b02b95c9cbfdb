-- UKEY stock: every token the service point owns, by its PKCS#11 serial.
-- state: in_stock (blank, free or bound to the application being issued),
-- awaiting_certificate (key made on the token, certificate not yet from the
-- CA: held at the counter), issued (certificate on the token), returned,
-- lost, destroyed.  app_id binds the UKEY to one application at a time and
-- stays after returned/lost/destroyed as the record of what it held.
-- step: how far a running issuance got (bound, key, queued, written, done),
-- so it can be resumed; key_id is the CKA_ID (hex) of the key on the token.
-- Never a PIN anywhere.
CREATE TABLE ukeys (
	id INTEGER PRIMARY KEY,
	serial TEXT NOT NULL UNIQUE,
	model TEXT NOT NULL DEFAULT '',
	label TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL DEFAULT 'in_stock' CHECK (state IN
		('in_stock', 'awaiting_certificate', 'issued', 'returned', 'lost', 'destroyed')),
	app_id INTEGER REFERENCES applications(id),
	step TEXT NOT NULL DEFAULT '',
	key_id TEXT NOT NULL DEFAULT '',
	cert_serial TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	added_by TEXT NOT NULL,
	added_at INTEGER NOT NULL,
	updated_by TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	issued_at INTEGER NOT NULL DEFAULT 0
);
-- An application holds at most one live UKEY (being issued or issued).
CREATE UNIQUE INDEX ukeys_live_app ON ukeys(app_id)
	WHERE app_id IS NOT NULL AND state IN ('in_stock', 'awaiting_certificate', 'issued');
CREATE INDEX ukeys_state ON ukeys(state, model);
