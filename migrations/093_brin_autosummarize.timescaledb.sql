-- Twin of 093_brin_autosummarize.plain.sql: the TimescaleDB layout finds a scrape's listings by
-- a btree (listings_scrape_idx), so it has no BRIN to summarize.
SELECT 1;
