-- Request pacing (issue 16): every worker process takes a slot here before each marketplace
-- request, so requests to one marketplace are spaced by the pacing interval whatever the number
-- of workers. One row per marketplace, created by the first slot taken (src/db/request-pacing.ts).
-- last_slot_at is the start of the latest slot handed out, by the database's clock; it may be in
-- the future while requests wait for their slots. A plain table in both storage layouts.
CREATE TABLE marketplace_request_pacing (
  marketplace text PRIMARY KEY REFERENCES marketplaces (name),
  last_slot_at timestamptz NOT NULL
);
