-- The two columns that carry a device's ~4 KB hardware hash (the submitted row, and the device)
-- are compressed with lz4 instead of the default pglz: pglz was the largest single cost of a
-- 100,000-row batch (about a fifth of PostgreSQL's CPU time). Applies to values written from
-- now on; existing values stay readable as they are. A server built without lz4 keeps pglz
-- (slower, same results) rather than refusing to start.
DO $$
BEGIN
    ALTER TABLE batch_item_inputs ALTER COLUMN input SET COMPRESSION lz4;
    ALTER TABLE devices ALTER COLUMN hardware_hash SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 compression is not available in this PostgreSQL build; keeping pglz';
END
$$;
