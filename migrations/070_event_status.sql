-- An event's status as a marketplace states it (issue 23), stored per observation: each scrape
-- records the status its payload gave (Ticketmaster `dates.status.code`; null where the format
-- carries none), the start the payload gave with it (a rescheduled event takes it), and the
-- figures the payload wrote as its placeholder for "hidden" (a 0), stored as null with the
-- reason. `scrapes` is a plain table in both storage layouts, so this one file serves both.
-- What follows from the latest stated status (a cancelled event is no longer scraped, a
-- rescheduled one takes its new start, a cancelled or postponed one's prices are not live) is
-- derived from these rows by src/db/event-status.ts; the catalog's own columns are left as the
-- sheet says.
ALTER TABLE scrapes
  ADD COLUMN event_status text
    CHECK (event_status IS NULL OR event_status IN ('onsale', 'offsale', 'cancelled', 'postponed', 'rescheduled')),
  ADD COLUMN event_starts_at timestamptz,
  ADD COLUMN not_given jsonb NOT NULL DEFAULT '[]';
-- "The latest stated status of this event": few rows per event carry one (one marketplace does).
CREATE INDEX scrapes_event_status_idx ON scrapes (event_id, captured_at DESC) WHERE event_status IS NOT NULL;
