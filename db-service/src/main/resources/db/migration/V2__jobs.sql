-- Background jobs (see JobStoreContract). A job owns chunks: the durable work queue. An import's
-- chunks hold its NDJSON lines as uploaded; an export's or warmup's hold the id a page starts after.
-- A worker claims a chunk by setting its owner and lease; a chunk whose lease expired is claimable
-- again by any worker, so a job survives the node running it.
CREATE TABLE troupe_jobs (
    id           VARCHAR(32)              NOT NULL,
    type         VARCHAR(16)              NOT NULL,
    collection   VARCHAR(64)              NOT NULL,
    state        VARCHAR(16)              NOT NULL,
    done         BIGINT                   NOT NULL,
    total        BIGINT,
    failed       BIGINT                   NOT NULL,
    chunks       INTEGER                  NOT NULL,
    chunks_done  INTEGER                  NOT NULL,
    results      INTEGER                  NOT NULL,
    error        VARCHAR(1000),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    -- The last time an import's upload stored lines; a job receiving none for long is abandoned.
    touched_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE,
    finished_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_troupe_jobs PRIMARY KEY (id)
);

CREATE TABLE troupe_job_chunks (
    job_id      VARCHAR(32)              NOT NULL,
    seq         INTEGER                  NOT NULL,
    first_line  BIGINT                   NOT NULL,
    lines       INTEGER                  NOT NULL,
    payload     TEXT,
    state       VARCHAR(16)              NOT NULL,
    owner       VARCHAR(200),
    lease_until TIMESTAMP WITH TIME ZONE,
    attempts    INTEGER                  NOT NULL,
    CONSTRAINT pk_troupe_job_chunks PRIMARY KEY (job_id, seq),
    CONSTRAINT fk_troupe_job_chunks_job FOREIGN KEY (job_id) REFERENCES troupe_jobs (id) ON DELETE CASCADE
);

-- Claims look for pending chunks and expired leases.
CREATE INDEX ix_troupe_job_chunks_state ON troupe_job_chunks (state, lease_until);

-- Lines of an import that were not written, by line number.
CREATE TABLE troupe_job_errors (
    job_id  VARCHAR(32)   NOT NULL,
    line    BIGINT        NOT NULL,
    message VARCHAR(1000) NOT NULL,
    CONSTRAINT pk_troupe_job_errors PRIMARY KEY (job_id, line),
    CONSTRAINT fk_troupe_job_errors_job FOREIGN KEY (job_id) REFERENCES troupe_jobs (id) ON DELETE CASCADE
);

-- Parts of a job's result (an export's NDJSON), in order.
CREATE TABLE troupe_job_results (
    job_id  VARCHAR(32) NOT NULL,
    part    INTEGER     NOT NULL,
    payload TEXT        NOT NULL,
    CONSTRAINT pk_troupe_job_results PRIMARY KEY (job_id, part),
    CONSTRAINT fk_troupe_job_results_job FOREIGN KEY (job_id) REFERENCES troupe_jobs (id) ON DELETE CASCADE
);
