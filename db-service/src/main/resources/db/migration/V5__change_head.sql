-- The change log's head: the last sequence number handed out (issue 21). A write group takes its
-- change rows' numbers from this one row, under its row lock, just before it commits: a group
-- waits for the one before it to commit, so numbers are taken in commit order and a rolled-back
-- group gives its numbers back. A reader of troupe_changes therefore never sees seq N+1 before N,
-- and a feed that resumes from a position misses nothing. Older rows keep their identity numbers.
CREATE TABLE troupe_change_head (
    id  INT    NOT NULL,
    seq BIGINT NOT NULL,
    CONSTRAINT pk_troupe_change_head PRIMARY KEY (id)
);
INSERT INTO troupe_change_head (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM troupe_changes;
