-- API keys expire (docs/security.md). Keys made before this migration keep working without an
-- expiry (NULL) until an admin revokes them.
ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
