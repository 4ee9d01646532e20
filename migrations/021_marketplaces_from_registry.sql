-- Marketplace names were spelled out in CHECK constraints (002, 003): a new marketplace needed a
-- migration. They now live in one table that `migrate` fills from the marketplace registry
-- (src/sources/marketplaces/registry.ts) after every run; the columns reference it, so a name the
-- code does not know is still refused by the database. Names already used are kept.
CREATE TABLE marketplaces (
  name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9]*$')
);
INSERT INTO marketplaces (name)
  SELECT marketplace FROM event_sources UNION SELECT marketplace FROM scrapes
  ON CONFLICT DO NOTHING;
ALTER TABLE event_sources DROP CONSTRAINT IF EXISTS event_sources_marketplace_check,
  ADD CONSTRAINT event_sources_marketplace_fkey FOREIGN KEY (marketplace) REFERENCES marketplaces (name);
ALTER TABLE scrapes DROP CONSTRAINT IF EXISTS scrapes_marketplace_check,
  ADD CONSTRAINT scrapes_marketplace_fkey FOREIGN KEY (marketplace) REFERENCES marketplaces (name);
