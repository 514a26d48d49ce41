-- An organisation's admin (or the operator) can disable a user: no sign-in after disabled_at
-- (docs/security.md). NULL: an active user.
ALTER TABLE users ADD COLUMN disabled_at TEXT;
-- A one-time password signs in only until then (docs/operations.md#sessions); NULL once the
-- user chose their own.
ALTER TABLE users ADD COLUMN one_time_password_expires_at TEXT;
