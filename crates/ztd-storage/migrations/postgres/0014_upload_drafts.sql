-- Upload drafts (docs/portal.md#repair-in-the-browser): a file a person uploaded in the portal
-- that had problems, kept for an hour so the portal can offer its problems and a repaired copy
-- for download and repair and check it again without the browser sending it twice. Read back
-- only by the same person in the same organisation; expired drafts are deleted whenever a new
-- one is kept. Additive: a previous release ignores the table.
CREATE TABLE upload_drafts (
    id           uuid PRIMARY KEY,
    org_id       uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    customer_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    file_name    text NOT NULL,
    content      bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX upload_drafts_by_person ON upload_drafts (user_id, created_at);
CREATE INDEX upload_drafts_by_expiry ON upload_drafts (expires_at);
