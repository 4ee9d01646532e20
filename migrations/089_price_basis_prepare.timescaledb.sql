-- Prepares the raw hypertables for 090 (price bases), which makes listings.base_price nullable
-- and adds checked columns: TimescaleDB 2.17 refuses both on a hypertable with compression
-- enabled ("operation not supported on hypertables that have compression enabled"). So the
-- compressed chunks are decompressed and compression is switched off here; 092 switches it back
-- on with the same settings and policy, and the policy compresses the old chunks again on its
-- next run. A one-time cost of the upgrade: the chunks older than 14 days are held uncompressed
-- in between (the disk they take is what they took before compression, for one policy interval).
SELECT remove_compression_policy('listings', if_exists => true);
SELECT remove_compression_policy('ticket_snapshots', if_exists => true);
SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks('listings') c;
SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks('ticket_snapshots') c;
ALTER TABLE listings SET (timescaledb.compress = false);
ALTER TABLE ticket_snapshots SET (timescaledb.compress = false);
