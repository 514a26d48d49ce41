-- A device's hardware hash moves to a table of its own (docs/performance.md#first-boots).
-- A ~4 KB hash does not fit on a 4 KiB page next to the rest of the row: SQLite kept the row's
-- start on the page and the rest in overflow pages, so a first boot (which sets `state` and
-- `activated_at`) rewrote the hash's overflow pages too, and a million devices took a million
-- pages. Without it a device row is ~300 bytes, a dozen to a page, and the table stays small
-- enough to be cached. `verified` keeps what the hash's presence meant
-- (docs/domain.md#verified-and-unverified-registrations). Ids, sequence numbers and indexes are
-- unchanged.
CREATE TABLE device_hashes (
    device_id      BLOB PRIMARY KEY NOT NULL,
    hardware_hash  TEXT NOT NULL
);
INSERT INTO device_hashes (device_id, hardware_hash)
SELECT id, hardware_hash FROM devices WHERE hardware_hash IS NOT NULL;

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
    verified              INTEGER NOT NULL CHECK (verified IN (0, 1)),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    activated_at          TEXT,
    deregistered_at       TEXT
);
INSERT INTO devices_rebuilt (seq, id, customer_id, registered_by_org_id, batch_id, state, serial_number,
    product_key_id, manufacturer, model, group_tag, profile_id, assigned_user, tuple_key, pkid_key,
    hash_key, verified, created_at, updated_at, activated_at, deregistered_at)
SELECT seq, id, customer_id, registered_by_org_id, batch_id, state, serial_number,
    product_key_id, manufacturer, model, group_tag, profile_id, assigned_user, tuple_key, pkid_key,
    hash_key, hardware_hash IS NOT NULL, created_at, updated_at, activated_at, deregistered_at
FROM devices;
DROP TABLE devices;
ALTER TABLE devices_rebuilt RENAME TO devices;
CREATE UNIQUE INDEX devices_live_tuple ON devices (tuple_key) WHERE state <> 'deregistered';
CREATE UNIQUE INDEX devices_live_pkid ON devices (pkid_key) WHERE state <> 'deregistered';
CREATE UNIQUE INDEX devices_live_hash ON devices (hash_key) WHERE state <> 'deregistered';
CREATE INDEX devices_customer ON devices (customer_id, seq);
CREATE INDEX devices_profile ON devices (profile_id);
