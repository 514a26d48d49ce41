-- The unique identity indexes cover the live devices by `deregistered_at IS NULL` instead of
-- `state <> 'deregistered'` (the same devices: deregistering sets both). A database updates a
-- partial index whenever a column of its condition changes, so with `state` in the condition
-- every first boot (registered → active) and every profile change (unassigned ↔ registered)
-- rewrote three index entries per device; with `deregistered_at` only deregistration does.
UPDATE devices SET deregistered_at = updated_at WHERE state = 'deregistered' AND deregistered_at IS NULL;
DROP INDEX devices_live_tuple;
DROP INDEX devices_live_pkid;
DROP INDEX devices_live_hash;
CREATE UNIQUE INDEX devices_live_tuple ON devices (tuple_key) WHERE deregistered_at IS NULL;
CREATE UNIQUE INDEX devices_live_pkid ON devices (pkid_key) WHERE deregistered_at IS NULL;
CREATE UNIQUE INDEX devices_live_hash ON devices (hash_key) WHERE deregistered_at IS NULL;
