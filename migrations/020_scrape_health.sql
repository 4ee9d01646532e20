-- What each scrape held and whether it can be believed (see src/domain/scrape-health.ts): the
-- items in the payload, the count the marketplace itself declared, what was skipped counted by
-- reason, and a health mark. A scrape that lost its listings ("format-drift") or came back empty
-- after many ("empty") is marked here, so every reader can tell it from a plain success.
-- Rows written before this migration keep the defaults (unknown counts, health 'ok').
ALTER TABLE scrapes
  ADD COLUMN items_in_payload integer CHECK (items_in_payload IS NULL OR items_in_payload >= 0),
  ADD COLUMN listings_declared integer CHECK (listings_declared IS NULL OR listings_declared >= 0),
  ADD COLUMN skipped_by_reason jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN health text NOT NULL DEFAULT 'ok' CHECK (health IN ('ok', 'format-drift', 'empty')),
  ADD COLUMN health_reason text;
