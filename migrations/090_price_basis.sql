-- One price basis per figure (issue 24). Until now every stored price was "the listing's price",
-- which meant the buyer's price before fees for Vivid Seats, SeatGeek and Ticketmaster but the
-- seller's net proceeds for StubHub Pro's listings: three different things side by side.
--
-- Listings: price_per_ticket becomes base_price (the buyer's price before fees), nullable
-- because a marketplace may give only the all-in price; StubHub's rows move their figure to the
-- new seller_net_proceeds (what the seller receives: never a buyer's price) and keep their
-- all-in price, so no StubHub row is on a guessed basis. A row may now have neither buyer price
-- (an old StubHub row without sellerAllInPrice): it stays as history and enters no buyer figure.
--
-- Snapshots and scrapes gain the all-in figures beside the base ones (all_in_*), recomputed here
-- from the stored listings with the rules of src/domain/snapshot.ts (metricsOf); summary scrapes
-- keep their base figures (their all-in ones were never stored, so they stay null: unknown).
-- StubHub listing scrapes lose their base figures (they were seller net proceeds).
-- Rollups gain the all-in columns and are rebuilt on both bases from the snapshots, live and
-- archived. Both layouts run this same file: the tables have the same columns in both
-- (in TimescaleDB, 089 turned compression off for it and 092 turns it back on).

ALTER TABLE listings RENAME COLUMN price_per_ticket TO base_price;
ALTER TABLE listings ALTER COLUMN base_price DROP NOT NULL;
-- The same constraint name on both: retention attaches a live partition to the archive, which
-- needs every CHECK of the archive by name.
ALTER TABLE listings ADD COLUMN seller_net_proceeds numeric(10, 2) CONSTRAINT listings_seller_net_proceeds_check CHECK (seller_net_proceeds > 0);
ALTER TABLE listings_archive RENAME COLUMN price_per_ticket TO base_price;
ALTER TABLE listings_archive ALTER COLUMN base_price DROP NOT NULL;
ALTER TABLE listings_archive ADD COLUMN seller_net_proceeds numeric(10, 2) CONSTRAINT listings_seller_net_proceeds_check CHECK (seller_net_proceeds > 0);

UPDATE listings SET seller_net_proceeds = base_price, base_price = NULL WHERE marketplace = 'stubhub' AND base_price IS NOT NULL;
UPDATE listings_archive SET seller_net_proceeds = base_price, base_price = NULL WHERE marketplace = 'stubhub' AND base_price IS NOT NULL;

ALTER TABLE ticket_snapshots
  ADD COLUMN all_in_lowest_price numeric(10, 2),
  ADD COLUMN all_in_average_price numeric(10, 2),
  ADD COLUMN all_in_highest_price numeric(10, 2),
  ADD COLUMN all_in_lowest_price_2 numeric(10, 2),
  ADD COLUMN all_in_lowest_price_4 numeric(10, 2);
ALTER TABLE ticket_snapshots_archive
  ADD COLUMN all_in_lowest_price numeric(10, 2),
  ADD COLUMN all_in_average_price numeric(10, 2),
  ADD COLUMN all_in_highest_price numeric(10, 2),
  ADD COLUMN all_in_lowest_price_2 numeric(10, 2),
  ADD COLUMN all_in_lowest_price_4 numeric(10, 2);
ALTER TABLE scrapes ADD COLUMN all_in_lowest_price numeric(10, 2);

-- Snapshot figures of every listings scrape, on both bases, at the three levels computeSnapshots
-- writes (section; zone with section ''; the event with zone 'ALL'), over the listings in the
-- scrape's currency. The average is over the listings that give the basis, rounded to cents
-- (metricsOf sums whole cents: the stored prices have cents, so both are exact).
CREATE TEMPORARY TABLE basis_figures ON COMMIT DROP AS
WITH l AS (
  SELECT scrape_ref, zone, section, currency, base_price AS b, all_in_price AS a, quantity, splits FROM listings
  UNION ALL
  SELECT scrape_ref, zone, section, currency, base_price, all_in_price, quantity, splits FROM listings_archive
), g AS (
  SELECT scrape_ref, zone, section, currency,
         min(b) AS b_low, round(avg(b), 2) AS b_avg, max(b) AS b_high,
         min(b * 2) FILTER (WHERE quantity >= 2 AND (splits = '{}' OR 2 = ANY (splits))) AS b_2,
         min(b * 4) FILTER (WHERE quantity >= 4 AND (splits = '{}' OR 4 = ANY (splits))) AS b_4,
         min(a) AS a_low, round(avg(a), 2) AS a_avg, max(a) AS a_high,
         min(a * 2) FILTER (WHERE quantity >= 2 AND (splits = '{}' OR 2 = ANY (splits))) AS a_2,
         min(a * 4) FILTER (WHERE quantity >= 4 AND (splits = '{}' OR 4 = ANY (splits))) AS a_4
    FROM l
   GROUP BY GROUPING SETS ((scrape_ref, currency, zone, section), (scrape_ref, currency, zone), (scrape_ref, currency))
)
SELECT scrape_ref, currency,
       CASE WHEN zone IS NULL THEN 'ALL' ELSE zone END AS zone,
       coalesce(section, '') AS section,
       -- A marketplace zone named 'ALL' collides with the event row: the event row wins (computeSnapshots).
       (zone IS NULL) AS event_level, (zone IS NOT NULL AND section IS NULL) AS zone_level,
       b_low, b_avg, b_high, b_2, b_4, a_low, a_avg, a_high, a_2, a_4
  FROM g;
DELETE FROM basis_figures WHERE zone = 'ALL' AND section = '' AND zone_level;
CREATE INDEX ON basis_figures (scrape_ref, zone, section, currency);
ANALYZE basis_figures;

UPDATE ticket_snapshots t
   SET lowest_price = f.b_low, average_price = f.b_avg, highest_price = f.b_high, lowest_price_2 = f.b_2, lowest_price_4 = f.b_4,
       all_in_lowest_price = f.a_low, all_in_average_price = f.a_avg, all_in_highest_price = f.a_high,
       all_in_lowest_price_2 = f.a_2, all_in_lowest_price_4 = f.a_4
  FROM basis_figures f, scrapes s
 WHERE s.id = t.scrape_ref AND s.kind = 'listings'
   AND f.scrape_ref = t.scrape_ref AND f.zone = t.zone AND f.section = t.section AND f.currency = t.currency;
UPDATE ticket_snapshots_archive t
   SET lowest_price = f.b_low, average_price = f.b_avg, highest_price = f.b_high, lowest_price_2 = f.b_2, lowest_price_4 = f.b_4,
       all_in_lowest_price = f.a_low, all_in_average_price = f.a_avg, all_in_highest_price = f.a_high,
       all_in_lowest_price_2 = f.a_2, all_in_lowest_price_4 = f.a_4
  FROM basis_figures f, scrapes s
 WHERE s.id = t.scrape_ref AND s.kind = 'listings'
   AND f.scrape_ref = t.scrape_ref AND f.zone = t.zone AND f.section = t.section AND f.currency = t.currency;

UPDATE scrapes s
   SET lowest_price = f.b_low, all_in_lowest_price = f.a_low
  FROM basis_figures f
 WHERE s.kind = 'listings' AND f.scrape_ref = s.id AND f.event_level
   AND f.currency = (SELECT t.currency FROM ticket_snapshots t WHERE t.scrape_ref = s.id AND t.zone = 'ALL' AND t.section = ''
                     UNION ALL
                     SELECT t.currency FROM ticket_snapshots_archive t WHERE t.scrape_ref = s.id AND t.zone = 'ALL' AND t.section = ''
                     LIMIT 1);

-- Rollups: the all-in columns, then every existing row recomputed on both bases from the
-- snapshots (live and archived, which retention keeps forever), with the rules of
-- src/db/rollup.ts. Daily rows straight from the snapshots of their day, not from hourly rows,
-- which retention deletes after a while. Only rows that exist are updated: an hour retention
-- deleted is not brought back, and periods never rolled up yet are left to the rollups (their
-- rollup_dirty marks). A row whose snapshots are all gone keeps what it had, all-in unknown.
ALTER TABLE rollup_hourly
  ADD COLUMN all_in_min_price numeric,
  ADD COLUMN all_in_max_price numeric,
  ADD COLUMN all_in_avg_price_sum numeric,
  ADD COLUMN all_in_avg_price_count bigint NOT NULL DEFAULT 0,
  ADD COLUMN all_in_min_price_2 numeric,
  ADD COLUMN all_in_min_price_4 numeric;
ALTER TABLE rollup_daily
  ADD COLUMN all_in_min_price numeric,
  ADD COLUMN all_in_max_price numeric,
  ADD COLUMN all_in_avg_price_sum numeric,
  ADD COLUMN all_in_avg_price_count bigint NOT NULL DEFAULT 0,
  ADD COLUMN all_in_min_price_2 numeric,
  ADD COLUMN all_in_min_price_4 numeric;

CREATE TEMPORARY TABLE zone_snapshots ON COMMIT DROP AS
SELECT * FROM ticket_snapshots WHERE section = ''
UNION ALL
SELECT * FROM ticket_snapshots_archive WHERE section = '';
CREATE INDEX ON zone_snapshots (event_id, marketplace, zone, captured_at);
ANALYZE zone_snapshots;

UPDATE rollup_hourly r
   SET min_price = a.min_price, max_price = a.max_price, avg_price_sum = a.avg_price_sum, avg_price_count = a.avg_price_count,
       min_price_2 = a.min_price_2, min_price_4 = a.min_price_4,
       all_in_min_price = a.all_in_min_price, all_in_max_price = a.all_in_max_price, all_in_avg_price_sum = a.all_in_avg_price_sum,
       all_in_avg_price_count = a.all_in_avg_price_count, all_in_min_price_2 = a.all_in_min_price_2, all_in_min_price_4 = a.all_in_min_price_4
  FROM (SELECT date_bin('1 hour', s.captured_at, '2000-01-03T00:00:00Z'::timestamptz) AS bucket, s.event_id, s.marketplace, s.zone,
               min(s.lowest_price) AS min_price, max(s.highest_price) AS max_price, sum(s.average_price) AS avg_price_sum,
               count(s.average_price) AS avg_price_count, min(s.lowest_price_2) AS min_price_2, min(s.lowest_price_4) AS min_price_4,
               min(s.all_in_lowest_price) AS all_in_min_price, max(s.all_in_highest_price) AS all_in_max_price,
               sum(s.all_in_average_price) AS all_in_avg_price_sum, count(s.all_in_average_price) AS all_in_avg_price_count,
               min(s.all_in_lowest_price_2) AS all_in_min_price_2, min(s.all_in_lowest_price_4) AS all_in_min_price_4
          FROM zone_snapshots s GROUP BY 1, 2, 3, 4) a
 WHERE r.event_id = a.event_id AND r.zone = a.zone AND r.bucket = a.bucket AND r.marketplace = a.marketplace;

UPDATE rollup_daily r
   SET min_price = a.min_price, max_price = a.max_price, avg_price_sum = a.avg_price_sum, avg_price_count = a.avg_price_count,
       min_price_2 = a.min_price_2, min_price_4 = a.min_price_4,
       all_in_min_price = a.all_in_min_price, all_in_max_price = a.all_in_max_price, all_in_avg_price_sum = a.all_in_avg_price_sum,
       all_in_avg_price_count = a.all_in_avg_price_count, all_in_min_price_2 = a.all_in_min_price_2, all_in_min_price_4 = a.all_in_min_price_4
  FROM (SELECT date_bin('1 day', s.captured_at, '2000-01-03T00:00:00Z'::timestamptz) AS bucket, s.event_id, s.marketplace, s.zone,
               min(s.lowest_price) AS min_price, max(s.highest_price) AS max_price, sum(s.average_price) AS avg_price_sum,
               count(s.average_price) AS avg_price_count, min(s.lowest_price_2) AS min_price_2, min(s.lowest_price_4) AS min_price_4,
               min(s.all_in_lowest_price) AS all_in_min_price, max(s.all_in_highest_price) AS all_in_max_price,
               sum(s.all_in_average_price) AS all_in_avg_price_sum, count(s.all_in_average_price) AS all_in_avg_price_count,
               min(s.all_in_lowest_price_2) AS all_in_min_price_2, min(s.all_in_lowest_price_4) AS all_in_min_price_4
          FROM zone_snapshots s GROUP BY 1, 2, 3, 4) a
 WHERE r.event_id = a.event_id AND r.zone = a.zone AND r.bucket = a.bucket AND r.marketplace = a.marketplace;
