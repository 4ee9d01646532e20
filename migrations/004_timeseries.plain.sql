-- Time series, plain PostgreSQL layout. Its twin 004_timeseries.timescaledb.sql must define the
-- same tables with the same columns in the same order (test/storage/ddl-parity.test.ts checks it):
-- readers run the same SQL on both.
--
-- Raw listings and snapshots are range-partitioned by captured_at in weeks (Monday 00:00 UTC);
-- the application creates partitions ahead (src/db/partitions.ts), a DEFAULT partition catches
-- rows outside them, and retention moves whole old partitions into the *_archive tables.

-- Raw observations. Indexes are few on purpose (every btree slows ingest more than the choice
-- of bulk method): BRIN on time and on the scrape, whose rows are physically contiguous.
-- No foreign key to scrapes: rows are only written in the transaction that creates their scrape.
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
) PARTITION BY RANGE (captured_at);
CREATE TABLE listings_default PARTITION OF listings DEFAULT;
CREATE INDEX listings_captured_brin ON listings USING brin (captured_at);
CREATE INDEX listings_scrape_brin ON listings USING brin (scrape_ref) WITH (pages_per_range = 8);

-- Per scrape: one row per (zone, section), one per zone (section = ''), one for the event (zone 'ALL').
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
) PARTITION BY RANGE (captured_at);
CREATE TABLE ticket_snapshots_default PARTITION OF ticket_snapshots DEFAULT;
CREATE INDEX ticket_snapshots_zone_time_idx ON ticket_snapshots (event_id, zone, captured_at);
CREATE INDEX ticket_snapshots_event_time_idx ON ticket_snapshots (event_id, captured_at);

-- Rollups per event, marketplace and zone, from the zone-level snapshot rows. Averages are kept
-- as sums and counts so that daily (built on hourly) and any wider bucket stay exact.
CREATE TABLE rollup_hourly (
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

CREATE TABLE rollup_daily (
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

-- The archive: same columns, partitioned the same way, so a retired partition is moved by
-- DETACH + ATTACH without copying rows. Queried like the live tables.
CREATE TABLE listings_archive (LIKE listings INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (captured_at);
CREATE TABLE listings_archive_default PARTITION OF listings_archive DEFAULT;
ALTER TABLE listings_archive ADD FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE;
CREATE INDEX listings_archive_captured_brin ON listings_archive USING brin (captured_at);
CREATE INDEX listings_archive_event_idx ON listings_archive (event_id, captured_at);

CREATE TABLE ticket_snapshots_archive (LIKE ticket_snapshots INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (captured_at);
CREATE TABLE ticket_snapshots_archive_default PARTITION OF ticket_snapshots_archive DEFAULT;
ALTER TABLE ticket_snapshots_archive ADD FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE;
CREATE INDEX ticket_snapshots_archive_zone_time_idx ON ticket_snapshots_archive (event_id, zone, captured_at);
