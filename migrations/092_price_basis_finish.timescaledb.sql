-- Compression back on the raw hypertables after 090 (see 089), with the settings and the policy
-- of 004: the policy compresses the chunks 089 decompressed on its next run.
ALTER TABLE listings SET (timescaledb.compress, timescaledb.compress_segmentby = 'event_id, marketplace', timescaledb.compress_orderby = 'captured_at');
SELECT add_compression_policy('listings', compress_after => INTERVAL '14 days');
ALTER TABLE ticket_snapshots SET (timescaledb.compress, timescaledb.compress_segmentby = 'event_id, marketplace, zone', timescaledb.compress_orderby = 'captured_at');
SELECT add_compression_policy('ticket_snapshots', compress_after => INTERVAL '14 days');
