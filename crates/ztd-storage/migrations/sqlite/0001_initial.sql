-- ztd schema for SQLite. Ids are 16-byte BLOBs (sqlx's native Uuid encoding: compact keys,
-- read them with `lower(hex(id))`); times are RFC 3339 TEXT in UTC; JSON is TEXT; booleans 0/1.

CREATE TABLE organisations (
    id          BLOB PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('customer', 'partner', 'oem', 'operator')),
    name        TEXT NOT NULL,
    domain      TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id                   BLOB PRIMARY KEY NOT NULL,
    org_id               BLOB NOT NULL REFERENCES organisations (id),
    email                TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'registrar', 'reader')),
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL,
    created_at           TEXT NOT NULL
);
-- Sign-in looks users up by e-mail, whatever its case.
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_org ON users (org_id);

CREATE TABLE api_keys (
    id          BLOB PRIMARY KEY NOT NULL,
    org_id      BLOB NOT NULL REFERENCES organisations (id),
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'registrar', 'reader')),
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX api_keys_org ON api_keys (org_id);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE TABLE invitations (
    id              BLOB PRIMARY KEY NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    creator_org_id  BLOB NOT NULL REFERENCES organisations (id),
    kind            TEXT NOT NULL CHECK (kind IN ('csp', 'oem')),
    -- Deliberately no reference: a link may name any id, so creating one never tells a
    -- partner whether an organisation exists (SPEC §2). Only that customer can accept it.
    customer_id     BLOB,
    reusable        INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    withdrawn_at    TEXT,
    accepted_count  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invitations_creator ON invitations (creator_org_id);

CREATE TABLE relationships (
    id                   BLOB PRIMARY KEY NOT NULL,
    partner_org_id       BLOB NOT NULL REFERENCES organisations (id),
    customer_org_id      BLOB NOT NULL REFERENCES organisations (id),
    kind                 TEXT NOT NULL CHECK (kind IN ('csp', 'oem')),
    invitation_id        BLOB REFERENCES invitations (id),
    accepted_by_user_id  BLOB REFERENCES users (id),
    approval_mode        TEXT NOT NULL CHECK (approval_mode IN ('auto_accept', 'review')),
    created_at           TEXT NOT NULL,
    revoked_at           TEXT,
    revoked_by_org_id    BLOB REFERENCES organisations (id)
);
-- At most one active relationship per pair: accepting twice cannot create a second.
CREATE UNIQUE INDEX relationships_active_pair ON relationships (partner_org_id, customer_org_id)
    WHERE revoked_at IS NULL;
CREATE INDEX relationships_customer ON relationships (customer_org_id);

CREATE TABLE profiles (
    id           BLOB PRIMARY KEY NOT NULL,
    customer_id  BLOB NOT NULL REFERENCES organisations (id),
    name         TEXT NOT NULL,
    group_tag    TEXT NOT NULL,
    settings     TEXT NOT NULL,
    built_in     INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (customer_id, group_tag)
);

CREATE TABLE batches (
    id                   BLOB PRIMARY KEY NOT NULL,
    customer_id          BLOB NOT NULL REFERENCES organisations (id),
    submitted_by_org_id  BLOB NOT NULL REFERENCES organisations (id),
    actor_kind           TEXT NOT NULL,
    actor_id             BLOB,
    status               TEXT NOT NULL
        CHECK (status IN ('queued', 'processing', 'finished', 'finished_with_errors')),
    default_group_tag    TEXT,
    allow_unknown_tags   INTEGER NOT NULL,
    idempotency_key      TEXT,
    total                INTEGER NOT NULL,
    registered           INTEGER NOT NULL DEFAULT 0,
    unassigned           INTEGER NOT NULL DEFAULT 0,
    failed               INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT NOT NULL,
    started_at           TEXT,
    finished_at          TEXT,
    -- The job queue: which worker holds the batch and until when (a crashed worker's lease expires).
    locked_by            TEXT,
    lease_until          TEXT,
    -- A streamed upload still adding items (`open_batch` → `seal_batch`): not claimable yet.
    receiving            INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX batches_idempotency ON batches (submitted_by_org_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX batches_open ON batches (created_at) WHERE status IN ('queued', 'processing');
CREATE INDEX batches_customer ON batches (customer_id);

-- Each row's outcome: narrow, because workers update it. The submitted row (which may carry a
-- 4 KB hash) lives apart in batch_item_inputs and is written once, never rewritten.
CREATE TABLE batch_items (
    batch_id       BLOB NOT NULL REFERENCES batches (id),
    row_no         INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'registered', 'unassigned', 'failed')),
    device_id      BLOB,
    error_code     TEXT,
    error_message  TEXT,
    error_hint     TEXT,
    PRIMARY KEY (batch_id, row_no)
) WITHOUT ROWID;
CREATE TABLE batch_item_inputs (
    batch_id  BLOB NOT NULL REFERENCES batches (id),
    row_no    INTEGER NOT NULL,
    input     TEXT NOT NULL,
    PRIMARY KEY (batch_id, row_no)
);
CREATE INDEX batch_items_pending ON batch_items (batch_id, row_no) WHERE status = 'pending';

CREATE TABLE devices (
    -- Insertion order: the paging cursor.
    seq                   INTEGER PRIMARY KEY,
    id                    BLOB NOT NULL UNIQUE,
    customer_id           BLOB NOT NULL REFERENCES organisations (id),
    registered_by_org_id  BLOB NOT NULL REFERENCES organisations (id),
    batch_id              BLOB REFERENCES batches (id),
    state                 TEXT NOT NULL CHECK (state IN ('registered', 'unassigned', 'active', 'deregistered')),
    serial_number         TEXT,
    product_key_id        TEXT,
    hardware_hash         TEXT,
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
    deregistered_at       TEXT
);
-- SPEC §5: the database itself decides identity conflicts, so two concurrent batches cannot
-- both win; a deregistered device frees its keys at once.
CREATE UNIQUE INDEX devices_live_tuple ON devices (tuple_key) WHERE state <> 'deregistered';
CREATE UNIQUE INDEX devices_live_pkid ON devices (pkid_key) WHERE state <> 'deregistered';
CREATE UNIQUE INDEX devices_live_hash ON devices (hash_key) WHERE state <> 'deregistered';
CREATE INDEX devices_customer ON devices (customer_id, seq);
CREATE INDEX devices_profile ON devices (profile_id);

CREATE TABLE audit_events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    request_id     TEXT,
    actor_kind     TEXT NOT NULL,
    actor_id       BLOB,
    actor_org_id   BLOB,
    tenant_org_id  BLOB,
    action         TEXT NOT NULL,
    target_type    TEXT NOT NULL,
    target_id      TEXT,
    details        TEXT NOT NULL
);
CREATE INDEX audit_actor_org ON audit_events (actor_org_id, seq);
CREATE INDEX audit_tenant_org ON audit_events (tenant_org_id, seq);
