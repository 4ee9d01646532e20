-- Snapshots lose their per-row foreign key to events, as raw listings did in 006. Measured on
-- the ingest benchmark: a 5,000-listing scrape writes ~190 snapshot rows, and their foreign-key
-- checks (one trigger call per row) took ~1.2 ms of a ~20 ms persist. Snapshots, like listings,
-- are written only in the transaction that creates their scrape, whose own foreign key already
-- guarantees the event exists. ON DELETE CASCADE is kept by the statement-level trigger on
-- events, which now removes an event's snapshots with its listings. Applies to both layouts
-- (TimescaleDB hypertables take the same constraint and trigger).
ALTER TABLE ticket_snapshots DROP CONSTRAINT ticket_snapshots_event_id_fkey;

DROP TRIGGER events_delete_listings ON events;
DROP FUNCTION delete_listings_of_deleted_events();

CREATE FUNCTION delete_time_series_of_deleted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM listings WHERE event_id IN (SELECT id FROM deleted_events);
  DELETE FROM ticket_snapshots WHERE event_id IN (SELECT id FROM deleted_events);
  RETURN NULL;
END
$$;

CREATE TRIGGER events_delete_time_series
  AFTER DELETE ON events
  REFERENCING OLD TABLE AS deleted_events
  FOR EACH STATEMENT EXECUTE FUNCTION delete_time_series_of_deleted_events();
