-- The fair claim counts each waiting customer's batches under a live lease
-- (docs/operations.md#fair-processing); this keeps that count off the finished batches.
CREATE INDEX batches_in_work ON batches (customer_id, lease_until) WHERE status = 'processing';
