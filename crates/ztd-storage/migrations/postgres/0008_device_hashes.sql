-- A device's hardware hash moves to a table of its own, as on SQLite (where it matters: see
-- migrations/sqlite/0006_device_hashes.sql): both backends keep one schema for the shared SQL.
-- PostgreSQL already stored the hash out of line (TOAST); the device rows get smaller still.
-- `verified` keeps what the hash's presence meant (docs/domain.md#verified-and-unverified-registrations).
CREATE TABLE device_hashes (
    device_id      uuid PRIMARY KEY,
    hardware_hash  text NOT NULL
);
DO $$
BEGIN
    ALTER TABLE device_hashes ALTER COLUMN hardware_hash SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 compression is not available in this PostgreSQL build; keeping pglz';
END
$$;
INSERT INTO device_hashes (device_id, hardware_hash)
SELECT id, hardware_hash FROM devices WHERE hardware_hash IS NOT NULL;
ALTER TABLE devices ADD COLUMN verified boolean NOT NULL DEFAULT false;
UPDATE devices SET verified = true WHERE hardware_hash IS NOT NULL;
ALTER TABLE devices ALTER COLUMN verified DROP DEFAULT;
ALTER TABLE devices DROP COLUMN hardware_hash;
