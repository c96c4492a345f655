-- The durable record behind Redis, written by the flusher (write-behind) or at once (write-through).
-- A workflow id may be deleted and created again: each life is a "generation" (its creation time in
-- epoch milliseconds), so the events of two lives never collide.

CREATE TABLE workflows (
  tenant        text        NOT NULL,
  id            text        NOT NULL,
  generation    bigint      NOT NULL,
  status        text        NOT NULL,
  state         jsonb       NOT NULL,
  metadata      jsonb       NOT NULL,
  version       bigint      NOT NULL,
  ttl_seconds   integer     NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  snapshot_seq  bigint      NOT NULL, -- the event after which status/state/metadata were taken
  last_event_id text        NOT NULL, -- the newest event flushed (derived from workflow_events)
  last_seq      bigint      NOT NULL,
  deleted_at    timestamptz,          -- set when the newest event is workflow.deleted
  PRIMARY KEY (tenant, id)
);

-- listing: newest first, optionally by status; search by update time
CREATE INDEX workflows_by_created ON workflows (tenant, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX workflows_by_status ON workflows (tenant, status, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX workflows_by_updated ON workflows (tenant, updated_at DESC) WHERE deleted_at IS NULL;

CREATE TABLE workflow_events (
  tenant      text        NOT NULL,
  workflow_id text        NOT NULL,
  generation  bigint      NOT NULL,
  seq         bigint      NOT NULL,
  event_id    text        NOT NULL,
  type        text        NOT NULL,
  version     bigint      NOT NULL,
  body        text        NOT NULL, -- the event JSON exactly as clients saw it
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant, workflow_id, generation, seq)
);

CREATE INDEX workflow_events_by_id ON workflow_events (tenant, workflow_id, event_id);

-- who did what, when, with which request: one row per mutation, flushed with its event
CREATE TABLE audit_log (
  tenant      text        NOT NULL,
  workflow_id text        NOT NULL,
  generation  bigint      NOT NULL,
  seq         bigint      NOT NULL,
  action      text        NOT NULL,
  version     bigint      NOT NULL,
  actor       text        NOT NULL,
  request_id  text,
  at          timestamptz NOT NULL,
  PRIMARY KEY (tenant, workflow_id, generation, seq)
);

CREATE INDEX audit_log_by_actor ON audit_log (tenant, actor, at DESC);

-- labelled copies of a workflow's state (snapshots and rollback)
CREATE TABLE workflow_snapshots (
  tenant      text        NOT NULL,
  workflow_id text        NOT NULL,
  generation  bigint      NOT NULL,
  label       text        NOT NULL,
  version     bigint      NOT NULL,
  state       jsonb       NOT NULL,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant, workflow_id, generation, label)
);

-- review drafts that were committed into a workflow's state
CREATE TABLE committed_sections (
  tenant      text        NOT NULL,
  workflow_id text        NOT NULL,
  generation  bigint      NOT NULL,
  section_id  text        NOT NULL,
  version     bigint      NOT NULL,
  content     jsonb       NOT NULL,
  author      text        NOT NULL,
  committed_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, workflow_id, generation, section_id, version)
);
