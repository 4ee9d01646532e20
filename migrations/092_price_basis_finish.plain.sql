-- Twin of 092_price_basis_finish.timescaledb.sql: nothing to restore on plain tables.
SELECT 1;
