-- Webhooks (docs/webhooks.md): an organisation's endpoints, the outbox of their deliveries
-- (written in the transaction of the change each reports, by the audit insert) and every
-- attempt to send one.

CREATE TABLE webhooks (
    id          uuid PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES organisations (id),
    url         text NOT NULL,
    -- The signing secret as shown once at creation: the dispatcher signs with it, so it is
    -- kept as is (whoever reads the database can sign as ztd; docs/webhooks.md#secret).
    secret      text NOT NULL,
    -- The subscribed event types between commas: ",batch.finished,device.activated,".
    events      text NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text,
    deleted_at  timestamptz
);
CREATE INDEX webhooks_live_org ON webhooks (org_id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries (
    id                uuid PRIMARY KEY,
    webhook_id        uuid NOT NULL REFERENCES webhooks (id),
    org_id            uuid NOT NULL,
    -- The event: the same id in every delivery (and redelivery) of one change.
    event_id          uuid NOT NULL,
    event_type        text NOT NULL,
    occurred_at       timestamptz NOT NULL,
    data              jsonb NOT NULL,
    status            text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts          integer NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz,
    locked_by         text,
    locked_until      timestamptz,
    last_status_code  integer,
    last_error        text,
    created_at        timestamptz NOT NULL,
    finished_at       timestamptz
);
-- The dispatcher's claim: pending deliveries by due time.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_of_webhook ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE webhook_attempts (
    delivery_id      uuid NOT NULL REFERENCES webhook_deliveries (id),
    attempt          integer NOT NULL,
    at               timestamptz NOT NULL,
    status_code      integer,
    error            text,
    response_excerpt text,
    duration_ms      bigint NOT NULL,
    next_attempt_at  timestamptz,
    PRIMARY KEY (delivery_id, attempt)
);
