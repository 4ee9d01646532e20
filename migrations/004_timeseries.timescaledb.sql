-- Time series, TimescaleDB layout (Timescale-licensed edition: continuous aggregates,
-- compression and policies). Its twin 004_timeseries.plain.sql must define the same tables with
-- the same columns in the same order (test/storage/ddl-parity.test.ts checks it, and parses this
-- file with the real PostgreSQL parser): readers run the same SQL on both.

CREATE TABLE listings (
  captured_at timestamptz NOT NULL,
  event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  marketplace text NOT NULL,
  scrape_ref bigint NOT NULL,
  listing_id text NOT NULL,
  zone text NOT NULL,
  section text NOT NULL,
  seat_row text,
  quantity integer NOT NULL CHECK (quantity > 0),
  splits smallint[] NOT NULL DEFAULT '{}',
  price_per_ticket numeric(10, 2) NOT NULL CHECK (price_per_ticket > 0),
  all_in_price numeric(10, 2),
  currency char(3) NOT NULL
);
SELECT create_hypertable('listings', by_range('captured_at', INTERVAL '7 days'), create_default_indexes => false);
CREATE INDEX listings_scrape_idx ON listings (scrape_ref, captured_at);
ALTER TABLE listings SET (timescaledb.compress, timescaledb.compress_segmentby = 'event_id, marketplace', timescaledb.compress_orderby = 'captured_at');
SELECT add_compression_policy('listings', compress_after => INTERVAL '14 days');

CREATE TABLE ticket_snapshots (
  captured_at timestamptz NOT NULL,
  event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  marketplace text NOT NULL,
  scrape_ref bigint NOT NULL,
  zone text NOT NULL,
  section text NOT NULL,
  lowest_price numeric(10, 2),
  average_price numeric(10, 2),
  highest_price numeric(10, 2),
  lowest_price_2 numeric(10, 2),
  lowest_price_4 numeric(10, 2),
  total_tickets integer,
  total_listings integer,
  available boolean NOT NULL,
  currency char(3) NOT NULL
);
SELECT create_hypertable('ticket_snapshots', by_range('captured_at', INTERVAL '7 days'), create_default_indexes => false);
CREATE INDEX ticket_snapshots_zone_time_idx ON ticket_snapshots (event_id, zone, captured_at);
CREATE INDEX ticket_snapshots_event_time_idx ON ticket_snapshots (event_id, captured_at);
ALTER TABLE ticket_snapshots SET (timescaledb.compress, timescaledb.compress_segmentby = 'event_id, marketplace, zone', timescaledb.compress_orderby = 'captured_at');
SELECT add_compression_policy('ticket_snapshots', compress_after => INTERVAL '14 days');

-- Hourly from the zone-level snapshot rows; sums and counts, not averages, so the daily
-- aggregate built on it stays exact. WITH NO DATA lets this run inside the migration's transaction.
CREATE MATERIALIZED VIEW rollup_hourly WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT
  time_bucket(INTERVAL '1 hour', captured_at) AS bucket,
  event_id,
  marketplace,
  zone,
  min(lowest_price) AS min_price,
  max(highest_price) AS max_price,
  sum(average_price) AS avg_price_sum,
  count(average_price) AS avg_price_count,
  min(lowest_price_2) AS min_price_2,
  min(lowest_price_4) AS min_price_4,
  max(total_tickets) AS tickets_max,
  sum(total_tickets) AS tickets_sum,
  count(total_tickets) AS tickets_count,
  max(total_listings) AS listings_max,
  sum(total_listings) AS listings_sum,
  count(total_listings) AS listings_count,
  count(*) AS samples
FROM ticket_snapshots
WHERE section = ''
GROUP BY time_bucket(INTERVAL '1 hour', captured_at), event_id, marketplace, zone
WITH NO DATA;
CREATE INDEX rollup_hourly_zone_bucket_idx ON rollup_hourly (event_id, zone, bucket);
SELECT add_continuous_aggregate_policy('rollup_hourly', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes');

CREATE MATERIALIZED VIEW rollup_daily WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT
  time_bucket(INTERVAL '1 day', bucket) AS bucket,
  event_id,
  marketplace,
  zone,
  min(min_price) AS min_price,
  max(max_price) AS max_price,
  sum(avg_price_sum) AS avg_price_sum,
  sum(avg_price_count)::bigint AS avg_price_count,
  min(min_price_2) AS min_price_2,
  min(min_price_4) AS min_price_4,
  max(tickets_max) AS tickets_max,
  sum(tickets_sum)::bigint AS tickets_sum,
  sum(tickets_count)::bigint AS tickets_count,
  max(listings_max) AS listings_max,
  sum(listings_sum)::bigint AS listings_sum,
  sum(listings_count)::bigint AS listings_count,
  sum(samples)::bigint AS samples
FROM rollup_hourly
GROUP BY time_bucket(INTERVAL '1 day', bucket), event_id, marketplace, zone
WITH NO DATA;
CREATE INDEX rollup_daily_zone_bucket_idx ON rollup_daily (event_id, zone, bucket);
SELECT add_continuous_aggregate_policy('rollup_daily', start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 day', schedule_interval => INTERVAL '1 hour');

-- The archive: ordinary tables with the live tables' columns; applyRetention copies whole
-- chunks' rows here before drop_chunks (a retention policy alone would lose them).
CREATE TABLE listings_archive (LIKE listings INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE listings_archive ADD FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE;
CREATE INDEX listings_archive_captured_brin ON listings_archive USING brin (captured_at);
CREATE INDEX listings_archive_event_idx ON listings_archive (event_id, captured_at);

CREATE TABLE ticket_snapshots_archive (LIKE ticket_snapshots INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE ticket_snapshots_archive ADD FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE;
CREATE INDEX ticket_snapshots_archive_zone_time_idx ON ticket_snapshots_archive (event_id, zone, captured_at);
