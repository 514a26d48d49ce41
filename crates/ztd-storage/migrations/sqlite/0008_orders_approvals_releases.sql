-- Orders, the approval queue, void and release requests (docs/domain.md#approval-queue,
-- #orders-and-void, #release-requests). SQLite cannot change a CHECK constraint in place, so
-- `batches` is rebuilt with the two new statuses. Migrations run in a transaction, where
-- foreign keys cannot be switched off; they are deferred instead: dropping `batches` counts
-- every row of `batch_items` and `devices` that loses its parent, putting the rows back
-- into the new `batches` uncounts them, and the commit fails if any is left (so the rebuild
-- cannot lose a batch). Ids and every column are kept; child tables keep referring to
-- `batches` by name.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE batches_copy AS SELECT * FROM batches;
DROP TABLE batches;
CREATE TABLE batches (
    id                   BLOB PRIMARY KEY NOT NULL,
    customer_id          BLOB NOT NULL REFERENCES organisations (id),
    submitted_by_org_id  BLOB NOT NULL REFERENCES organisations (id),
    actor_kind           TEXT NOT NULL,
    actor_id             BLOB,
    status               TEXT NOT NULL
        CHECK (status IN ('awaiting_approval', 'queued', 'processing', 'finished',
                          'finished_with_errors', 'rejected')),
    default_group_tag    TEXT,
    allow_unknown_tags   INTEGER NOT NULL,
    idempotency_key      TEXT,
    total                INTEGER NOT NULL,
    registered           INTEGER NOT NULL DEFAULT 0,
    unassigned           INTEGER NOT NULL DEFAULT 0,
    failed               INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT NOT NULL,
    started_at           TEXT,
    finished_at          TEXT,
    locked_by            TEXT,
    lease_until          TEXT,
    receiving            INTEGER NOT NULL DEFAULT 0,
    received_at          TEXT,
    -- What the registrar ships the devices under (docs/domain.md#orders-and-void).
    order_number         TEXT,
    purchase_order       TEXT,
    ship_date            TEXT,
    -- The customer's decision on a batch that waited for approval.
    decided_at           TEXT,
    decided_by_id        BLOB,
    rejection_reason     TEXT,
    voided_at            TEXT
);
INSERT INTO batches (id, customer_id, submitted_by_org_id, actor_kind, actor_id, status,
    default_group_tag, allow_unknown_tags, idempotency_key, total, registered, unassigned, failed,
    created_at, started_at, finished_at, locked_by, lease_until, receiving, received_at)
SELECT id, customer_id, submitted_by_org_id, actor_kind, actor_id, status,
    default_group_tag, allow_unknown_tags, idempotency_key, total, registered, unassigned, failed,
    created_at, started_at, finished_at, locked_by, lease_until, receiving, received_at
FROM batches_copy;
DROP TABLE batches_copy;
CREATE UNIQUE INDEX batches_idempotency ON batches (submitted_by_org_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX batches_open ON batches (created_at) WHERE status IN ('queued', 'processing');
CREATE INDEX batches_customer ON batches (customer_id);
CREATE INDEX batches_in_work ON batches (customer_id, lease_until) WHERE status = 'processing';
CREATE INDEX batches_awaiting ON batches (customer_id) WHERE status = 'awaiting_approval';
CREATE INDEX batches_order ON batches (customer_id, order_number) WHERE order_number IS NOT NULL;
CREATE INDEX batches_submitter ON batches (submitted_by_org_id, customer_id, created_at);

CREATE INDEX devices_batch ON devices (batch_id);

CREATE TABLE release_requests (
    id                  BLOB PRIMARY KEY NOT NULL,
    requester_org_id    BLOB NOT NULL REFERENCES organisations (id),
    requested_by_kind   TEXT NOT NULL,
    requested_by_id     BLOB,
    device_id           BLOB NOT NULL REFERENCES devices (id),
    owner_org_id        BLOB NOT NULL REFERENCES organisations (id),
    status              TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
    created_at          TEXT NOT NULL,
    decided_at          TEXT,
    decided_by_id       BLOB
);
-- One open request per requester and device.
CREATE UNIQUE INDEX release_requests_open ON release_requests (requester_org_id, device_id)
    WHERE status = 'pending';
CREATE INDEX release_requests_owner ON release_requests (owner_org_id, created_at);
CREATE INDEX release_requests_requester ON release_requests (requester_org_id, created_at);
