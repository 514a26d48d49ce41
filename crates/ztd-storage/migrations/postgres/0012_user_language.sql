-- The portal language a person chose on the Account page (docs/portal.md#languages): a language
-- tag such as `da`, or NULL to follow the browser's Accept-Language. Additive: a previous release
-- ignores the column.
ALTER TABLE users ADD COLUMN language TEXT;
