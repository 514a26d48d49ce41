-- An organisation's admin (or the operator) can disable a user: no sign-in after disabled_at
-- (docs/security.md). NULL: an active user.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
