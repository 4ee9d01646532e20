-- The event catalog: what to track, and under which id each marketplace knows it.
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Stable key of the catalog row across syncs (see the catalog sync), never shown to users.
  catalog_key text NOT NULL UNIQUE,
  name text NOT NULL,
  venue text,
  city text,
  state text,
  country text,
  starts_at timestamptz,
  timezone text,
  category text,
  capacity integer CHECK (capacity IS NULL OR capacity > 0),
  tracked boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_due_idx ON events (starts_at) WHERE tracked;

CREATE TABLE event_sources (
  event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  marketplace text NOT NULL CHECK (marketplace IN ('stubhub', 'vividseats', 'seatgeek', 'ticketmaster')),
  marketplace_event_id text NOT NULL,
  last_scraped_at timestamptz,
  last_success_at timestamptz,
  PRIMARY KEY (event_id, marketplace),
  UNIQUE (marketplace, marketplace_event_id)
);
