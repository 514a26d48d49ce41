-- The devices table rebuilt with the hardware hash as its last column (docs/performance.md#first-boots).
-- A row holds a ~4 KB hash, more than fits on its 4 KiB page: SQLite keeps the start of the row on
-- the page and the rest in overflow pages, and reading a column stored after the hash walks
-- those pages. With the hash last, everything a lookup, a list or a conflict check reads is on
-- the row's own page. Same columns, ids, sequence numbers and indexes; only the order changes.
CREATE TABLE devices_rebuilt (
    seq                   INTEGER PRIMARY KEY,
    id                    BLOB NOT NULL UNIQUE,
    customer_id           BLOB NOT NULL REFERENCES organisations (id),
    registered_by_org_id  BLOB NOT NULL REFERENCES organisations (id),
    batch_id              BLOB REFERENCES batches (id),
    state                 TEXT NOT NULL CHECK (state IN ('registered', 'unassigned', 'active', 'deregistered')),
    serial_number         TEXT,
    product_key_id        TEXT,
    manufacturer          TEXT,
    model                 TEXT,
    group_tag             TEXT,
    profile_id            BLOB REFERENCES profiles (id) ON DELETE SET NULL,
    assigned_user         TEXT,
    tuple_key             TEXT,
    pkid_key              TEXT,
    hash_key              TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    activated_at          TEXT,
    deregistered_at       TEXT,
    hardware_hash         TEXT
);
INSERT INTO devices_rebuilt (seq, id, customer_id, registered_by_org_id, batch_id, state, serial_number,
    product_key_id, manufacturer, model, group_tag, profile_id, assigned_user, tuple_key, pkid_key,
    hash_key, created_at, updated_at, activated_at, deregistered_at, hardware_hash)
SELECT seq, id, customer_id, registered_by_org_id, batch_id, state, serial_number,
    product_key_id, manufacturer, model, group_tag, profile_id, assigned_user, tuple_key, pkid_key,
    hash_key, created_at, updated_at, activated_at, deregistered_at, hardware_hash
FROM devices;
DROP TABLE devices;
ALTER TABLE devices_rebuilt RENAME TO devices;
CREATE UNIQUE INDEX devices_live_tuple ON devices (tuple_key) WHERE state <> 'deregistered';
CREATE UNIQUE INDEX devices_live_pkid ON devices (pkid_key) WHERE state <> 'deregistered';
CREATE UNIQUE INDEX devices_live_hash ON devices (hash_key) WHERE state <> 'deregistered';
CREATE INDEX devices_customer ON devices (customer_id, seq);
CREATE INDEX devices_profile ON devices (profile_id);
