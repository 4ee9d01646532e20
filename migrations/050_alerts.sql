-- Issue 14: price changes, alert rules, firings, deliveries (one file for both layouts: these
-- tables are small, keyed by scrape, and never hypertables).

-- Per stored scrape, per zone (and ALL) and group size 1, 2, 4: the lowest price and the
-- availability against the previous scrape of the same event and marketplace. Written once per
-- scrape (the key makes a retried or replayed activity write nothing).
CREATE TABLE price_changes (
  scrape_key text NOT NULL,
  previous_scrape_key text,
  event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  marketplace text NOT NULL,
  zone text NOT NULL,
  quantity smallint NOT NULL CHECK (quantity IN (1, 2, 4)),
  captured_at timestamptz NOT NULL,
  from_price numeric(10, 2),
  to_price numeric(10, 2),
  percent numeric(9, 2),
  from_tickets integer,
  to_tickets integer,
  from_listings integer,
  to_listings integer,
  currency char(3),
  PRIMARY KEY (scrape_key, zone, quantity)
);
CREATE INDEX price_changes_event_time_idx ON price_changes (event_id, captured_at DESC);

-- The unused rules of 005 are replaced (nothing ever wrote them). A NULL event or marketplace
-- means "every tracked event" / "any marketplace"; zone 'ALL' is the whole event.
ALTER TABLE alerts DROP CONSTRAINT IF EXISTS alerts_rule_id_fkey;
DROP TABLE alert_rules;
CREATE TABLE alert_rules (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  event_id bigint REFERENCES events (id) ON DELETE CASCADE,
  marketplace text REFERENCES marketplaces (name),
  zone text NOT NULL DEFAULT 'ALL' CHECK (length(zone) > 0),
  quantity smallint NOT NULL DEFAULT 1 CHECK (quantity IN (1, 2, 4)),
  condition text NOT NULL CHECK (condition IN ('below', 'drop', 'rise', 'new-low', 'sold-out', 'back-in-stock', 'cheaper-elsewhere')),
  threshold numeric(12, 2) CHECK (threshold IS NULL OR threshold > 0),
  over_hours numeric(8, 2) CHECK (over_hours IS NULL OR over_hours > 0),
  cooldown_minutes integer CHECK (cooldown_minutes IS NULL OR cooldown_minutes > 0),
  channels text[] NOT NULL CHECK (cardinality(channels) > 0),
  paused boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE alerts ADD FOREIGN KEY (rule_id) REFERENCES alert_rules (id) ON DELETE SET NULL;

-- Fire-once state of a rule per target (event, marketplace, zone): disarmed when it fires,
-- re-armed when its condition has cleared (with hysteresis) or after the cooldown.
CREATE TABLE alert_rule_state (
  rule_id bigint NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  marketplace text NOT NULL,
  zone text NOT NULL,
  armed boolean NOT NULL,
  last_fired_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_id, event_id, marketplace, zone)
);

-- Which scrapes have had their changes recorded and rules evaluated: the guard that makes the
-- evaluation run once per scrape whatever Temporal retries or replays.
CREATE TABLE scrape_evaluations (
  scrape_key text PRIMARY KEY,
  evaluated_at timestamptz NOT NULL DEFAULT now(),
  rules_evaluated integer NOT NULL,
  firings integer NOT NULL
);

-- A firing names the scrape it came from; a rule fires at most once per scrape.
ALTER TABLE alerts ADD COLUMN scrape_key text;
CREATE UNIQUE INDEX alerts_rule_scrape_idx ON alerts (rule_id, scrape_key) WHERE rule_id IS NOT NULL;

-- Every delivery attempt of an alert to a channel, with its outcome (the notification log).
CREATE TABLE alert_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  channel text NOT NULL,
  attempt integer NOT NULL CHECK (attempt >= 1),
  outcome text NOT NULL CHECK (outcome IN ('delivered', 'retry', 'permanent', 'skipped')),
  detail text,
  attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_deliveries_alert_idx ON alert_deliveries (alert_id, channel);

-- Channels that answered a permanent refusal (401/403/404...): skipped until fixed
-- (`alerts test CHANNEL` that succeeds clears the mark). The operator is told once.
CREATE TABLE broken_channels (
  channel text PRIMARY KEY,
  reason text NOT NULL,
  broken_at timestamptz NOT NULL DEFAULT now(),
  operator_told_at timestamptz
);
