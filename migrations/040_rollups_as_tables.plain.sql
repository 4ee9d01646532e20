-- Twin of 040_rollups_as_tables.timescaledb.sql, which turns the TimescaleDB layout's continuous
-- aggregates into the tables this layout has had since 004. Nothing to change here.
SELECT 1;
