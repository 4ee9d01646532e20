-- Twin of 089_price_basis_prepare.timescaledb.sql: plain tables need no preparation for 090.
SELECT 1;
