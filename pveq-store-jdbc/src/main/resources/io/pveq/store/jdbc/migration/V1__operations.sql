-- pveq job store, version 1: operations, their event logs and their rollback journals.
-- One schema for SQLite and PostgreSQL: portable types only; times are epoch milliseconds (UTC).

CREATE TABLE pveq_operation (
    id               VARCHAR(64)     NOT NULL PRIMARY KEY,
    kind             VARCHAR(32)     NOT NULL,
    vm_id            INTEGER,
    state            VARCHAR(16)     NOT NULL,
    owner            VARCHAR(128)    NOT NULL,
    lease_until      BIGINT          NOT NULL,
    started_at       BIGINT          NOT NULL,
    finished_at      BIGINT,
    cancel_requested BOOLEAN         NOT NULL,
    spec             VARCHAR(65536)  NOT NULL,
    result           VARCHAR(65536),
    terminal_event   VARCHAR(1000000)
);

CREATE INDEX pveq_operation_state ON pveq_operation (state, owner);
CREATE INDEX pveq_operation_started ON pveq_operation (started_at);

CREATE TABLE pveq_event (
    op_id VARCHAR(64)      NOT NULL,
    idx   INTEGER          NOT NULL,
    body  VARCHAR(1000000) NOT NULL,
    PRIMARY KEY (op_id, idx)
);

CREATE TABLE pveq_journal (
    op_id VARCHAR(64)    NOT NULL,
    seq   INTEGER        NOT NULL,
    body  VARCHAR(65536) NOT NULL,
    PRIMARY KEY (op_id, seq)
);
