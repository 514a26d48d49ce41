-- API keys expire (docs/security.md). Keys made before this migration keep working without an
-- expiry (NULL) until an admin revokes them. Adding a nullable column: the previous version keeps
-- working on the migrated schema.
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
