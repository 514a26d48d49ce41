-- Rate limits shared by every `ztd serve` on this database (the first-boot lookup per client
-- address, failed portal sign-ins): one token bucket per key, kept as the instant it is full
-- again (GCRA, crates/ztd-storage/src/limits.rs). UNLOGGED: no WAL for a counter written on
-- every lookup; a crash empties the table, which only forgives recent traffic.
CREATE UNLOGGED TABLE rate_buckets (
    key      text PRIMARY KEY,
    full_at  timestamptz NOT NULL
);
-- Idle buckets (full again) are deleted periodically by `full_at`.
CREATE INDEX rate_buckets_full_at ON rate_buckets (full_at);
