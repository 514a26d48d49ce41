-- Webhooks (docs/webhooks.md): an organisation's endpoints, the outbox of their deliveries
-- (written in the transaction of the change each reports, by the audit insert) and every
-- attempt to send one.

CREATE TABLE webhooks (
    id          BLOB PRIMARY KEY,
    org_id      BLOB NOT NULL REFERENCES organisations (id),
    url         TEXT NOT NULL,
    -- The signing secret as shown once at creation: the dispatcher signs with it, so it is
    -- kept as is (whoever reads the database can sign as ztd; docs/webhooks.md#secret).
    secret      TEXT NOT NULL,
    -- The subscribed event types between commas: ",batch.finished,device.activated,".
    events      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT,
    deleted_at  TEXT
);
CREATE INDEX webhooks_live_org ON webhooks (org_id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries (
    id                BLOB PRIMARY KEY,
    webhook_id        BLOB NOT NULL REFERENCES webhooks (id),
    org_id            BLOB NOT NULL,
    -- The event: the same id in every delivery (and redelivery) of one change.
    event_id          BLOB NOT NULL,
    event_type        TEXT NOT NULL,
    occurred_at       TEXT NOT NULL,
    data              TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TEXT,
    locked_by         TEXT,
    locked_until      TEXT,
    last_status_code  INTEGER,
    last_error        TEXT,
    created_at        TEXT NOT NULL,
    finished_at       TEXT
);
-- The dispatcher's claim: pending deliveries by due time.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_of_webhook ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE webhook_attempts (
    delivery_id      BLOB NOT NULL REFERENCES webhook_deliveries (id),
    attempt          INTEGER NOT NULL,
    at               TEXT NOT NULL,
    status_code      INTEGER,
    error            TEXT,
    response_excerpt TEXT,
    duration_ms      INTEGER NOT NULL,
    next_attempt_at  TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
