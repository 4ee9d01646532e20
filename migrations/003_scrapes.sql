-- One row per persisted scrape (one event, one marketplace, one cycle). Its caller-supplied key
-- makes ingest idempotent: a retried or replayed persist finds its key here and writes nothing.
-- Kept forever (one small row per scrape): it also indexes the archive by scrape.
CREATE TABLE scrapes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scrape_key text NOT NULL UNIQUE CHECK (length(scrape_key) BETWEEN 1 AND 200),
  event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  marketplace text NOT NULL CHECK (marketplace IN ('stubhub', 'vividseats', 'seatgeek', 'ticketmaster')),
  captured_at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('listings', 'summary')),
  listings_stored integer NOT NULL CHECK (listings_stored >= 0),
  listings_rejected integer NOT NULL CHECK (listings_rejected >= 0),
  -- The first rejected records with their reasons (capped), for `ticket-tracker scrape` and debugging.
  rejected jsonb NOT NULL DEFAULT '[]',
  snapshots integer NOT NULL CHECK (snapshots >= 0),
  lowest_price numeric(10, 2),
  persisted_at timestamptz NOT NULL DEFAULT now()
);
-- "The latest scrape of this event on this marketplace" (latest prices, listings).
CREATE INDEX scrapes_event_latest_idx ON scrapes (event_id, marketplace, captured_at DESC);

-- One row per tracker cycle (or one-off scrape job).
CREATE TABLE scrape_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id text NOT NULL UNIQUE CHECK (length(job_id) BETWEEN 1 AND 300),
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  events_scraped integer NOT NULL DEFAULT 0 CHECK (events_scraped >= 0),
  errors_count integer NOT NULL DEFAULT 0 CHECK (errors_count >= 0),
  duration_ms bigint CHECK (duration_ms IS NULL OR duration_ms >= 0),
  details jsonb
);
CREATE INDEX scrape_runs_started_idx ON scrape_runs (started_at DESC);

-- Failed fetch or persist attempts. No foreign key to scrape_runs: an error can be recorded
-- before (or without) its run's row, and runs are kept longer than errors anyway.
CREATE TABLE scrape_errors (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id text,
  event_id bigint REFERENCES events (id) ON DELETE CASCADE,
  marketplace text,
  attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
  message text NOT NULL,
  occurred_at timestamptz NOT NULL,
  -- Set when the caller can name the attempt (job, event, marketplace, attempt): a replayed
  -- activity then records its error once.
  dedupe_key text UNIQUE
);
CREATE INDEX scrape_errors_occurred_idx ON scrape_errors (occurred_at DESC);

-- Periods whose rollups must be recomputed (plain mode): ingest marks the hour of each scrape,
-- the hourly rollup marks the days it changed. Late data thus re-aggregates exactly what it touched.
CREATE TABLE rollup_dirty (
  kind text NOT NULL CHECK (kind IN ('hour', 'day')),
  event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  marketplace text NOT NULL,
  period_start timestamptz NOT NULL,
  PRIMARY KEY (kind, event_id, marketplace, period_start)
);
