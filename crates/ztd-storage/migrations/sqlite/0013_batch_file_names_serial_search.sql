-- Findable batches and devices (docs/portal.md#batches, docs/portal.md#devices).
-- The name of the file a person uploaded a batch from (the portal's upload); NULL for batches
-- sent as JSON or as a request body.
ALTER TABLE batches ADD COLUMN file_name TEXT;
-- The batch lists, newest first per customer and per submitter.
CREATE INDEX batches_customer_created ON batches (customer_id, created_at);
CREATE INDEX batches_submitter_created ON batches (submitted_by_org_id, created_at);
-- The device list's search by serial number, ignoring case (exact, or the serial's start).
CREATE INDEX devices_customer_serial_lower ON devices (customer_id, lower(serial_number));
