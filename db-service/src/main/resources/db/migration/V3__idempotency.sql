-- Writes applied under an idempotency key, with the answer they got: a write arriving again with the
-- same key (a retry after a lost answer) gets this answer back instead of being applied twice. The row
-- is written in the write's own transaction, so a write and its key commit together or not at all.
-- request names the action and its target ("put books/dune"): a key reused for another request is
-- refused. Rows older than TROUPE_IDEMPOTENCY_TTL_SECONDS are deleted by db-service.
CREATE TABLE troupe_idempotency (
    idem_key   VARCHAR(255)             NOT NULL,
    request    VARCHAR(300)             NOT NULL,
    result     TEXT                     NOT NULL,
    applied_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_troupe_idempotency PRIMARY KEY (idem_key)
);

CREATE INDEX ix_troupe_idempotency_applied_at ON troupe_idempotency (applied_at);
