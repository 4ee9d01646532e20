-- Rollups become ordinary tables maintained by src/db/rollup.ts, exactly as in the plain layout
-- (issue 12). As continuous aggregates they answered differently from the plain layout on the
-- same data: the daily aggregate missed late and backfilled hours (nothing re-materialized a day
-- whose hours changed), re-refreshing a period whose raw chunks were archived deleted its rollups,
-- deleting an event left its rollup rows until a refresh happened to cover them, and hourly
-- retention could only drop whole materialization chunks. One maintenance path for both layouts
-- makes them equal by construction; TimescaleDB keeps the raw hypertables and their compression.
-- (004's note on test/storage/ddl-parity.test.ts is outdated: the layouts' equality is now checked
-- by behaviour, test/storage/layout-parity-property.test.ts.)
CREATE TABLE rollup_hourly_table (
  bucket timestamptz NOT NULL,
  event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  marketplace text NOT NULL,
  zone text NOT NULL,
  min_price numeric,
  max_price numeric,
  avg_price_sum numeric,
  avg_price_count bigint NOT NULL,
  min_price_2 numeric,
  min_price_4 numeric,
  tickets_max integer,
  tickets_sum bigint,
  tickets_count bigint NOT NULL,
  listings_max integer,
  listings_sum bigint,
  listings_count bigint NOT NULL,
  samples bigint NOT NULL,
  PRIMARY KEY (event_id, zone, bucket, marketplace)
);
CREATE TABLE rollup_daily_table (LIKE rollup_hourly_table INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE rollup_daily_table ADD PRIMARY KEY (event_id, zone, bucket, marketplace);
ALTER TABLE rollup_daily_table ADD FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE;

-- What the aggregates had materialized is kept (rows of events deleted since are not: issue 12's
-- leftover rows), including periods whose raw data was archived and can no longer be recomputed.
INSERT INTO rollup_hourly_table SELECT * FROM rollup_hourly WHERE event_id IN (SELECT id FROM events);
INSERT INTO rollup_daily_table SELECT * FROM rollup_daily WHERE event_id IN (SELECT id FROM events);
-- Every hour still in the live raw data is recomputed by the next hourly rollup (which marks its
-- days for the daily one), so late data the aggregates missed arrives once.
INSERT INTO rollup_dirty (kind, event_id, marketplace, period_start)
SELECT DISTINCT 'hour', s.event_id, s.marketplace, date_bin('1 hour', s.captured_at, '2000-01-03T00:00:00Z'::timestamptz)
  FROM ticket_snapshots s JOIN events e ON e.id = s.event_id
ON CONFLICT DO NOTHING;

-- Dropping the aggregates drops their refresh policies too.
DROP MATERIALIZED VIEW rollup_daily;
DROP MATERIALIZED VIEW rollup_hourly;
ALTER TABLE rollup_hourly_table RENAME TO rollup_hourly;
ALTER TABLE rollup_daily_table RENAME TO rollup_daily;
ALTER INDEX rollup_hourly_table_pkey RENAME TO rollup_hourly_pkey;
ALTER INDEX rollup_daily_table_pkey RENAME TO rollup_daily_pkey;
ALTER TABLE rollup_hourly RENAME CONSTRAINT rollup_hourly_table_event_id_fkey TO rollup_hourly_event_id_fkey;
ALTER TABLE rollup_daily RENAME CONSTRAINT rollup_daily_table_event_id_fkey TO rollup_daily_event_id_fkey;

-- New chunks cover one day instead of 7: TimescaleDB 2.17 aligns chunks to the Unix epoch (a
-- Thursday), the plain layout's partitions and every bucket start on Mondays; day-long chunks
-- tile those weeks, so retention's week-aligned cutoff never falls inside a chunk (chunks made
-- before this migration are split by rows there, see src/db/retention.ts).
SELECT set_chunk_time_interval('listings', INTERVAL '1 day');
SELECT set_chunk_time_interval('ticket_snapshots', INTERVAL '1 day');
