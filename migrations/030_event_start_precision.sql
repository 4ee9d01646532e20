-- How much of an event's start the catalog knows: a time ('time'), only the date ('date': the
-- time is to be announced; starts_at is local midnight of that date), or nothing yet ('tba':
-- starts_at is NULL). Events whose start is not fully known are scraped every cycle until it is,
-- and then until it has passed.
ALTER TABLE events ADD COLUMN start_precision text NOT NULL DEFAULT 'time'
  CHECK (start_precision IN ('time', 'date', 'tba'));
-- Rows written without a start by other paths (fixtures, tools) read as 'tba': starts_at NULL
-- always means the date is not known, whatever start_precision says.
UPDATE events SET start_precision = 'tba' WHERE starts_at IS NULL;
COMMENT ON COLUMN events.start_precision IS
  'time: starts_at is the start; date: the time is to be announced and starts_at is local midnight of the date; tba: the date is to be announced (starts_at NULL).';
