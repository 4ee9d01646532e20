-- The catalog sync's memory of which events the catalog (sheet or file) still lists.
-- An event whose row disappears from the catalog keeps being tracked until an operator runs
-- `events cleanup-untracked --apply` (a missing row is more often a filter, a cut or a wrong
-- tab than an instruction); `in_catalog` is how the cleanup finds such events.
ALTER TABLE events ADD COLUMN in_catalog boolean NOT NULL DEFAULT true;
ALTER TABLE events ADD COLUMN left_catalog_at timestamptz;
COMMENT ON COLUMN events.catalog_key IS
  'Stable identity of the catalog row: "<marketplace>:<id>" of the first marketplace id the row had when first synced, never rewritten. Rows are matched to events through any of their marketplace ids.';
COMMENT ON COLUMN events.in_catalog IS 'Listed by the latest successful catalog sync.';
COMMENT ON COLUMN events.left_catalog_at IS 'When a sync first found the event missing from the catalog (NULL while listed).';
