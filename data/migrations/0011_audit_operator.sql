-- The audit trail screen pages by seq with a filter on the operator; this
-- index (operator, seq) makes a page of one operator's rows a range read
-- however long the trail is.  Object and time have their indexes already.
CREATE INDEX audit_operator ON audit(operator COLLATE NOCASE);
