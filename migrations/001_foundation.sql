-- Self-checks: each run of the selfCheck workflow records that a worker reached the
-- database through Temporal, so an operator can tell the whole path works.
CREATE TABLE self_checks (
  id bigserial PRIMARY KEY,
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  worker_identity text NOT NULL,
  checked_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workflow_id, run_id)
);
