-- When a streamed upload last stored rows (`open_batch`, `append_batch_items`): an upload still
-- receiving whose last rows are older than the cutoff was abandoned (its process died) and is
-- discarded (docs/domain.md#batch-lifecycle).
ALTER TABLE batches ADD COLUMN received_at timestamptz;
