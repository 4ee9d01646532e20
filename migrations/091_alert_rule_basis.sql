-- Alert rules and price changes on a price basis (issue 24). Both layouts run this same file:
-- these tables are never hypertables.
--
-- Rules: every rule reads the figures of one basis ('all-in', what the buyer pays per ticket with
-- every mandatory fee; 'base', before fees). The rules stored before were evaluated on the base
-- figures, so they keep that meaning ('base', and basis_kept marks them so `alerts list` can say
-- why); a new rule is all-in unless it says otherwise. Changing a rule (alerts apply) clears the mark.
ALTER TABLE alert_rules ADD COLUMN basis text NOT NULL DEFAULT 'base' CONSTRAINT alert_rules_basis_check CHECK (basis IN ('all-in', 'base'));
ALTER TABLE alert_rules ALTER COLUMN basis SET DEFAULT 'all-in';
ALTER TABLE alert_rules ADD COLUMN basis_kept boolean NOT NULL DEFAULT false;
UPDATE alert_rules SET basis_kept = true;

-- The "together" condition: the cheapest total for N seats together (N = quantity, any N >= 1)
-- across every marketplace's latest listings. Other conditions keep the group sizes 1, 2, 4 the
-- snapshots have.
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_condition_check;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_condition_check
  CHECK (condition IN ('below', 'drop', 'rise', 'new-low', 'sold-out', 'back-in-stock', 'cheaper-elsewhere', 'together'));
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_quantity_check;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_quantity_check
  CHECK (quantity IN (1, 2, 4) OR (condition = 'together' AND quantity >= 1));
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_together_threshold_check CHECK (condition <> 'together' OR threshold IS NOT NULL);

-- Price changes: one row per basis that has figures; the rows written before were on the base figures.
ALTER TABLE price_changes ADD COLUMN basis text NOT NULL DEFAULT 'base' CONSTRAINT price_changes_basis_check CHECK (basis IN ('all-in', 'base'));
ALTER TABLE price_changes ALTER COLUMN basis DROP DEFAULT;
ALTER TABLE price_changes DROP CONSTRAINT price_changes_pkey;
ALTER TABLE price_changes ADD PRIMARY KEY (scrape_key, basis, zone, quantity);
