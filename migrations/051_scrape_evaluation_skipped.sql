-- A scrape the product itself marks as suspect (scrapes.health 'empty' or 'format-drift') is not
-- evaluated: no price changes, no rule state change, no firing. Why it was skipped is recorded here,
-- so the skip is visible; null for a scrape that was evaluated.
ALTER TABLE scrape_evaluations ADD COLUMN skipped text;
