-- ztd schema for PostgreSQL: ids are `uuid`, times `timestamptz`, JSON `jsonb`.

CREATE TABLE organisations (
    id          uuid PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('customer', 'partner', 'oem', 'operator')),
    name        text NOT NULL,
    domain      text,
    created_at  timestamptz NOT NULL
);

CREATE TABLE users (
    id                   uuid PRIMARY KEY,
    org_id               uuid NOT NULL REFERENCES organisations (id),
    email                text NOT NULL,
    role                 text NOT NULL CHECK (role IN ('admin', 'registrar', 'reader')),
    password_hash        text NOT NULL,
    must_change_password boolean NOT NULL,
    created_at           timestamptz NOT NULL
);
-- Sign-in looks users up by e-mail, whatever its case.
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_org ON users (org_id);

CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES organisations (id),
    name        text NOT NULL,
    role        text NOT NULL CHECK (role IN ('admin', 'registrar', 'reader')),
    key_hash    text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX api_keys_org ON api_keys (org_id);

CREATE TABLE sessions (
    token_hash  text PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);

CREATE TABLE invitations (
    id              uuid PRIMARY KEY,
    token_hash      text NOT NULL UNIQUE,
    creator_org_id  uuid NOT NULL REFERENCES organisations (id),
    kind            text NOT NULL CHECK (kind IN ('csp', 'oem')),
    -- Deliberately no reference: a link may name any id, so creating one never tells a
    -- partner whether an organisation exists (SPEC §2). Only that customer can accept it.
    customer_id     uuid,
    reusable        boolean NOT NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    withdrawn_at    timestamptz,
    accepted_count  bigint NOT NULL DEFAULT 0
);
CREATE INDEX invitations_creator ON invitations (creator_org_id);

CREATE TABLE relationships (
    id                   uuid PRIMARY KEY,
    partner_org_id       uuid NOT NULL REFERENCES organisations (id),
    customer_org_id      uuid NOT NULL REFERENCES organisations (id),
    kind                 text NOT NULL CHECK (kind IN ('csp', 'oem')),
    invitation_id        uuid REFERENCES invitations (id),
    accepted_by_user_id  uuid REFERENCES users (id),
    approval_mode        text NOT NULL CHECK (approval_mode IN ('auto_accept', 'review')),
    created_at           timestamptz NOT NULL,
    revoked_at           timestamptz,
    revoked_by_org_id    uuid REFERENCES organisations (id)
);
-- At most one active relationship per pair: accepting twice cannot create a second.
CREATE UNIQUE INDEX relationships_active_pair ON relationships (partner_org_id, customer_org_id)
    WHERE revoked_at IS NULL;
CREATE INDEX relationships_customer ON relationships (customer_org_id);

CREATE TABLE profiles (
    id           uuid PRIMARY KEY,
    customer_id  uuid NOT NULL REFERENCES organisations (id),
    name         text NOT NULL,
    group_tag    text NOT NULL,
    settings     jsonb NOT NULL,
    built_in     boolean NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT profiles_group_tag UNIQUE (customer_id, group_tag)
);

CREATE TABLE batches (
    id                   uuid PRIMARY KEY,
    customer_id          uuid NOT NULL REFERENCES organisations (id),
    submitted_by_org_id  uuid NOT NULL REFERENCES organisations (id),
    actor_kind           text NOT NULL,
    actor_id             uuid,
    status               text NOT NULL
        CHECK (status IN ('queued', 'processing', 'finished', 'finished_with_errors')),
    default_group_tag    text,
    allow_unknown_tags   boolean NOT NULL,
    idempotency_key      text,
    total                bigint NOT NULL,
    registered           bigint NOT NULL DEFAULT 0,
    unassigned           bigint NOT NULL DEFAULT 0,
    failed               bigint NOT NULL DEFAULT 0,
    created_at           timestamptz NOT NULL,
    started_at           timestamptz,
    finished_at          timestamptz,
    -- The job queue: which worker holds the batch and until when (a crashed worker's lease expires).
    locked_by            text,
    lease_until          timestamptz,
    -- A streamed upload still adding items (`open_batch` → `seal_batch`): not claimable yet.
    receiving            boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX batches_idempotency ON batches (submitted_by_org_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX batches_open ON batches (created_at) WHERE status IN ('queued', 'processing');
CREATE INDEX batches_customer ON batches (customer_id);

-- Each row's outcome: narrow, because workers update it. The submitted row (which may carry a
-- 4 KB hash) lives apart in batch_item_inputs and is written once, never rewritten.
CREATE TABLE batch_items (
    batch_id       uuid NOT NULL REFERENCES batches (id),
    row_no         bigint NOT NULL,
    status         text NOT NULL CHECK (status IN ('pending', 'registered', 'unassigned', 'failed')),
    device_id      uuid,
    error_code     text,
    error_message  text,
    error_hint     text,
    PRIMARY KEY (batch_id, row_no)
);
CREATE TABLE batch_item_inputs (
    batch_id  uuid NOT NULL REFERENCES batches (id),
    row_no    bigint NOT NULL,
    input     jsonb NOT NULL,
    PRIMARY KEY (batch_id, row_no)
);
CREATE INDEX batch_items_pending ON batch_items (batch_id, row_no) WHERE status = 'pending';

CREATE TABLE devices (
    -- Insertion order: the paging cursor.
    seq                   bigint GENERATED ALWAYS AS IDENTITY,
    id                    uuid PRIMARY KEY,
    customer_id           uuid NOT NULL REFERENCES organisations (id),
    registered_by_org_id  uuid NOT NULL REFERENCES organisations (id),
    batch_id              uuid REFERENCES batches (id),
    state                 text NOT NULL CHECK (state IN ('registered', 'unassigned', 'active', 'deregistered')),
    serial_number         text,
    product_key_id        text,
    hardware_hash         text,
    manufacturer          text,
    model                 text,
    group_tag             text,
    profile_id            uuid REFERENCES profiles (id) ON DELETE SET NULL,
    assigned_user         text,
    tuple_key             text,
    pkid_key              text,
    hash_key              text,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    activated_at          timestamptz,
    deregistered_at       timestamptz
);
-- SPEC §5: the database itself decides identity conflicts, so two concurrent batches cannot
-- both win; a deregistered device frees its keys at once.
CREATE UNIQUE INDEX devices_live_tuple ON devices (tuple_key) WHERE state <> 'deregistered';
CREATE UNIQUE INDEX devices_live_pkid ON devices (pkid_key) WHERE state <> 'deregistered';
CREATE UNIQUE INDEX devices_live_hash ON devices (hash_key) WHERE state <> 'deregistered';
CREATE INDEX devices_customer ON devices (customer_id, seq);
CREATE INDEX devices_profile ON devices (profile_id);

CREATE TABLE audit_events (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL,
    request_id     text,
    actor_kind     text NOT NULL,
    actor_id       uuid,
    actor_org_id   uuid,
    tenant_org_id  uuid,
    action         text NOT NULL,
    target_type    text NOT NULL,
    target_id      text,
    details        jsonb NOT NULL
);
CREATE INDEX audit_actor_org ON audit_events (actor_org_id, seq);
CREATE INDEX audit_tenant_org ON audit_events (tenant_org_id, seq);
