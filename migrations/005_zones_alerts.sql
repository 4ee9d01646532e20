-- Zones of an event's venue map as a marketplace names them, with their sections, for display
-- order and for the share-of-capacity of a zone when its capacity is known.
CREATE TABLE zones (
  event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) > 0),
  sections text[] NOT NULL DEFAULT '{}',
  display_order integer NOT NULL DEFAULT 0,
  capacity integer CHECK (capacity IS NULL OR capacity > 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, name)
);

-- What to watch. A NULL event, marketplace or zone means "any".
CREATE TABLE alert_rules (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  event_id bigint REFERENCES events (id) ON DELETE CASCADE,
  marketplace text,
  zone text,
  quantity smallint NOT NULL DEFAULT 1 CHECK (quantity IN (1, 2, 4)),
  kind text NOT NULL CHECK (kind IN ('price_below', 'price_above', 'price_drop_pct', 'price_rise_pct', 'tickets_below')),
  threshold numeric(12, 2) NOT NULL,
  cooldown_minutes integer NOT NULL DEFAULT 60 CHECK (cooldown_minutes >= 0),
  channels text[] NOT NULL DEFAULT '{}',
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Alerts raised (price alerts from rules, operator alerts without a rule). The dedupe key makes
-- raising an alert idempotent across activity retries.
CREATE TABLE alerts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id bigint REFERENCES alert_rules (id) ON DELETE SET NULL,
  event_id bigint REFERENCES events (id) ON DELETE CASCADE,
  marketplace text,
  zone text,
  kind text NOT NULL,
  dedupe_key text NOT NULL UNIQUE,
  message text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  triggered_at timestamptz NOT NULL,
  sent_at timestamptz,
  channels text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX alerts_event_time_idx ON alerts (event_id, triggered_at DESC);
CREATE INDEX alerts_time_idx ON alerts (triggered_at DESC);
