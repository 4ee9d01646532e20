-- One word per concept (issue 25): the record of a cycle is a `cycles` row keyed by its
-- `cycle_id`, and a failed attempt names its cycle by `cycle_id` too. Before, the table was
-- `scrape_runs` and both columns `job_id`. Renamed in place, so every row is kept; the
-- constraints, the index and the identity sequence follow the table's and columns' new names.
-- Both are plain tables in both storage layouts (no view, function, trigger, rollup or
-- TimescaleDB job reads them), so this one file serves both. Each step checks what is there
-- first: a database already renamed by hand is left as it is.
DO $$
DECLARE
  renames text[][] := ARRAY[
    ['scrape_runs_pkey', 'cycles_pkey'],
    ['scrape_runs_job_id_key', 'cycles_cycle_id_key'],
    ['scrape_runs_job_id_check', 'cycles_cycle_id_check'],
    ['scrape_runs_status_check', 'cycles_status_check'],
    ['scrape_runs_events_scraped_check', 'cycles_events_scraped_check'],
    ['scrape_runs_errors_count_check', 'cycles_errors_count_check'],
    ['scrape_runs_duration_ms_check', 'cycles_duration_ms_check']
  ];
  pair text[];
BEGIN
  IF to_regclass('scrape_runs') IS NOT NULL AND to_regclass('cycles') IS NULL THEN
    ALTER TABLE scrape_runs RENAME TO cycles;
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = 'cycles' AND column_name = 'job_id') THEN
    ALTER TABLE cycles RENAME COLUMN job_id TO cycle_id;
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = 'scrape_errors' AND column_name = 'job_id') THEN
    ALTER TABLE scrape_errors RENAME COLUMN job_id TO cycle_id;
  END IF;
  -- Renaming a unique or primary-key constraint renames its index with it.
  FOREACH pair SLICE 1 IN ARRAY renames LOOP
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'cycles'::regclass AND conname = pair[1]) THEN
      EXECUTE format('ALTER TABLE cycles RENAME CONSTRAINT %I TO %I', pair[1], pair[2]);
    END IF;
  END LOOP;
  IF to_regclass('scrape_runs_started_idx') IS NOT NULL THEN
    ALTER INDEX scrape_runs_started_idx RENAME TO cycles_started_idx;
  END IF;
  IF to_regclass('scrape_runs_id_seq') IS NOT NULL THEN
    ALTER SEQUENCE scrape_runs_id_seq RENAME TO cycles_id_seq;
  END IF;
END $$;

COMMENT ON TABLE cycles IS 'One row per cycle (the tracker''s, or a one-off scrape): its outcome and counts; cycle_id is the cycle id.';
COMMENT ON COLUMN scrape_errors.cycle_id IS 'The cycle of the failed attempt (cycles.cycle_id), when it ran in one; no foreign key.';
