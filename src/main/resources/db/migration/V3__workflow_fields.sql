-- A workflow's fields beyond the ones with a column of their own (status, state, metadata, version, ttl_seconds,
-- created_at, updated_at): every other field Workflow.toSnapshotJson writes is kept here under its name, so a
-- new field needs no column and no change to the flusher or the archive (pg/WorkflowRow). A field PostgreSQL
-- should query gets a column in its own migration, generated from this one, e.g.
--   ALTER TABLE workflows ADD COLUMN owner text GENERATED ALWAYS AS (fields->>'owner') STORED;
-- Adding a column with a constant default rewrites no row; rows written before (and by an instance that
-- predates this migration, which leaves the column alone) hold '{}': every field has its default.
ALTER TABLE workflows ADD COLUMN fields jsonb NOT NULL DEFAULT '{}';
