-- Orders, the approval queue, void and release requests (docs/domain.md#approval-queue,
-- #orders-and-void, #release-requests): two batch statuses, the order and decision columns,
-- and the release requests table. Adding nullable columns rewrites nothing.
ALTER TABLE batches DROP CONSTRAINT batches_status_check;
ALTER TABLE batches ADD CONSTRAINT batches_status_check
    CHECK (status IN ('awaiting_approval', 'queued', 'processing', 'finished',
                      'finished_with_errors', 'rejected'));
ALTER TABLE batches
    ADD COLUMN order_number     text,
    ADD COLUMN purchase_order   text,
    ADD COLUMN ship_date        date,
    ADD COLUMN decided_at       timestamptz,
    ADD COLUMN decided_by_id    uuid,
    ADD COLUMN rejection_reason text,
    ADD COLUMN voided_at        timestamptz;
CREATE INDEX batches_awaiting ON batches (customer_id) WHERE status = 'awaiting_approval';
CREATE INDEX batches_order ON batches (customer_id, order_number) WHERE order_number IS NOT NULL;
CREATE INDEX batches_submitter ON batches (submitted_by_org_id, customer_id, created_at);

CREATE INDEX devices_batch ON devices (batch_id);

CREATE TABLE release_requests (
    id                  uuid PRIMARY KEY,
    requester_org_id    uuid NOT NULL REFERENCES organisations (id),
    requested_by_kind   text NOT NULL,
    requested_by_id     uuid,
    device_id           uuid NOT NULL REFERENCES devices (id),
    owner_org_id        uuid NOT NULL REFERENCES organisations (id),
    status              text NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
    created_at          timestamptz NOT NULL,
    decided_at          timestamptz,
    decided_by_id       uuid
);
CREATE UNIQUE INDEX release_requests_open ON release_requests (requester_org_id, device_id)
    WHERE status = 'pending';
CREATE INDEX release_requests_owner ON release_requests (owner_org_id, created_at);
CREATE INDEX release_requests_requester ON release_requests (requester_org_id, created_at);
