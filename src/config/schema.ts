import { z } from 'zod';
import { CHANNELS } from '../alerts/channels/registry';
import { MARKETPLACE_NAMES, MARKETPLACES as MARKETPLACE_DESCRIPTORS, type MarketplaceSettingSpec } from '../marketplaces/registry';
import {
  bool,
  commaList,
  emptyToUndefined,
  hostPort,
  httpUrl,
  nonNegativeInt,
  optionalString,
  port,
  positive,
  positiveInt,
  postgresUrl,
} from './setting-schemas';

/**
 * Every environment variable the product reads, in one table. The zod schema, the
 * docs/configuration.md's table, `.env.example` and the docker-compose check are all
 * derived from (or checked against) this table, so they cannot drift apart.
 */
export interface EnvVarSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  description: string;
  /** Secret values are masked in logs, printed config and error messages. */
  secret?: boolean;
  group: string;
}

function spec<S extends z.ZodType>(group: string, schema: S, description: string, secret = false): EnvVarSpec<S> {
  return { schema, description, secret, group };
}

export { MARKETPLACE_NAMES as MARKETPLACES } from '../marketplaces/registry';
export type { MarketplaceName as Marketplace } from '../marketplaces/registry';

// Each marketplace's settings come from its descriptor (src/marketplaces/<name>/descriptor.ts).
type MarketplaceSetting = (typeof MARKETPLACE_DESCRIPTORS)[number]['settings'][number];
type SettingsOfKind<K extends MarketplaceSetting['kind']> = Extract<MarketplaceSetting, { kind: K }>['name'];
type MarketplaceVars = { [N in SettingsOfKind<'base-url'>]: EnvVarSpec<ReturnType<typeof httpUrl>> } & {
  [N in SettingsOfKind<'credential'>]: EnvVarSpec<ReturnType<typeof optionalString>>;
} & { [N in SettingsOfKind<'rate'>]: EnvVarSpec<ReturnType<typeof positive>> };

function marketplaceVars(): MarketplaceVars {
  const vars: Record<string, EnvVarSpec> = {};
  for (const m of MARKETPLACE_DESCRIPTORS) {
    for (const s of m.settings) {
      const setting: MarketplaceSettingSpec = s;
      vars[setting.name] =
        setting.kind === 'base-url'
          ? spec('Marketplaces', httpUrl(), setting.description)
          : setting.kind === 'credential'
            ? spec('Marketplaces', optionalString(), setting.description, true)
            : spec('Marketplaces', positive(setting.default ?? 1), setting.description);
    }
  }
  return vars as MarketplaceVars;
}

// Each alert channel's settings come from its descriptor (src/alerts/channels/<name>/descriptor.ts),
// in the registry's order.
type ChannelSetting = (typeof CHANNELS)[number]['settings'][number];
type ChannelVars = { [S in ChannelSetting as S['name']]: EnvVarSpec<S['schema']> };

function channelVars(): ChannelVars {
  const vars: Record<string, EnvVarSpec> = {};
  for (const c of CHANNELS) for (const s of c.settings) vars[s.name] = spec('Alerts', s.schema, s.description, s.secret);
  return vars as ChannelVars;
}

export const RANDOMIZATION_STRATEGIES = ['uniform', 'poisson', 'normal'] as const;
export const DELAY_DISTRIBUTIONS = ['none', 'uniform', 'normal', 'exponential'] as const;

export const ENV_VARS = {
  // Temporal
  TEMPORAL_ADDRESS: spec(
    'Temporal',
    hostPort('127.0.0.1:7233'),
    'Temporal frontend address (host:port); default `127.0.0.1:<TEMPORAL_PORT>` (the dev server started by `ticket-tracker dev`).',
  ),
  TEMPORAL_NAMESPACE: spec('Temporal', z.preprocess(emptyToUndefined, z.string().min(1).default('default')), 'Temporal namespace.'),
  TEMPORAL_TASK_QUEUE: spec(
    'Temporal',
    z.preprocess(emptyToUndefined, z.string().min(1).default('ticket-tracker')),
    'Main task queue (workflows and database activities). Marketplace fetches run on `<queue>-<marketplace>`.',
  ),
  TEMPORAL_CLI_PATH: spec(
    'Temporal',
    optionalString(),
    "Path to a `temporal` CLI binary to use instead of the one on PATH or the project's own.",
  ),
  TEMPORAL_TEST_SERVER_PATH: spec('Temporal', optionalString(), 'Path to a `temporal-test-server` binary (time-skipping tests).'),
  TEMPORAL_UI_PORT: spec('Temporal', port(8233), 'Port of the Temporal Web UI started by `ticket-tracker dev`.'),
  TEMPORAL_UI_URL: spec(
    'Temporal',
    httpUrl(),
    "Address of the Temporal Web UI the dashboard links workflows to; default `http://127.0.0.1:<TEMPORAL_UI_PORT>` (the dev server's UI).",
  ),
  TEMPORAL_PORT: spec('Temporal', port(7233), 'Frontend port of the Temporal dev server started by `ticket-tracker dev`.'),
  WORKER_MAX_CACHED_WORKFLOWS: spec('Temporal', positiveInt(200), 'Workflow cache size of each worker.'),
  WORKER_SHUTDOWN_GRACE_SECONDS: spec(
    'Temporal',
    nonNegativeInt(30),
    'How long in-flight activities may run after SIGTERM before the worker exits.',
  ),
  TEMPORAL_DEPLOYMENT_NAME: spec(
    'Temporal',
    z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,200}$/, 'letters, digits, - and _ only (Temporal joins it to the build id with a dot)')
        .default('ticket-tracker'),
    ),
    'Worker Deployment the workers belong to when WORKER_BUILD_ID is set (Worker Versioning, docs/upgrades.md): letters, digits, - and _.',
  ),
  WORKER_BUILD_ID: spec(
    'Temporal',
    z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,199}$/, 'a letter or digit, then letters, digits, . + - and _ (at most 200)')
        .optional(),
    ),
    "This worker's build id: when set, the worker polls as that version of TEMPORAL_DEPLOYMENT_NAME (Worker Versioning): scrapes, deliveries and maintenance runs stay on the build that started them, the tracker loop moves to the Current Version at continue-as-new (docs/upgrades.md). Unset: unversioned, as the dev stack runs. A letter or digit, then letters, digits, . + - and _, at most 200.",
  ),
  WORKER_BUNDLE_PATH: spec(
    'Temporal',
    optionalString(),
    'Prebuilt workflow bundle (made by `npm run build`); when unset the worker bundles at start.',
  ),

  // Database
  DATABASE_URL: spec(
    'Database',
    postgresUrl(),
    'PostgreSQL connection URL. When unset, `ticket-tracker dev` runs an embedded PostgreSQL.',
    true,
  ),
  DATABASE_POOL_MAX: spec('Database', positiveInt(10), 'Maximum connections in the pool.'),
  STORAGE_MODE: spec(
    'Database',
    z.preprocess(emptyToUndefined, z.enum(['auto', 'plain']).default('auto')),
    '`auto` uses TimescaleDB when the extension is available; `plain` forces plain PostgreSQL partitioning.',
  ),
  EMBEDDED_PG_PORT: spec('Database', port(54329), 'Port of the embedded PostgreSQL started by `ticket-tracker dev`.'),
  DATA_DIR: spec(
    'Database',
    z.preprocess(emptyToUndefined, z.string().min(1).default('.data')),
    "Folder for the embedded stack's data (PostgreSQL cluster, Temporal SQLite file).",
  ),

  // Event catalog
  GOOGLE_SHEET_ID: spec('Events', optionalString(), 'Google Sheet id holding the events to track. When unset, EVENTS_FILE is used.'),
  GOOGLE_SHEET_WORKSHEET: spec(
    'Events',
    z.preprocess(emptyToUndefined, z.string().min(1).default('Events')),
    'Worksheet (tab) name in the sheet.',
  ),
  GOOGLE_APPLICATION_CREDENTIALS: spec(
    'Events',
    optionalString(),
    'Service-account key file; when unset, Application Default Credentials are used.',
  ),
  GOOGLE_SHEETS_ROOT_URL: spec('Events', httpUrl(), 'Override of the Sheets API root URL (tests, proxies).'),
  EVENTS_FILE: spec(
    'Events',
    z.preprocess(emptyToUndefined, z.string().min(1).default('samples/events.csv')),
    'CSV or JSON events file used when no sheet is configured.',
  ),
  DEFAULT_EVENT_TIMEZONE: spec(
    'Events',
    z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    "IANA zone for rows that name no zone and no place (no City, State or Country); unset, such rows are refused. A row's place always wins: its zone comes from its city, state and country.",
  ),
  DATE_ORDER: spec(
    'Events',
    z.preprocess(emptyToUndefined, z.enum(['auto', 'mdy', 'dmy']).default('auto')),
    "Order of numeric dates (03/04/2027): `mdy` or `dmy` decide (rows that can only be read the other way are refused); `auto`: the rows that can only be read one way, else the rows' country (US and CA month-first, elsewhere day-first).",
  ),
  PAST_EVENT_GRACE_HOURS: spec('Events', nonNegativeInt(6), "Hours after an event's start during which it is still scraped."),

  // Scraping schedule
  SCRAPE_INTERVAL_HOURS: spec('Schedule', positive(12), 'Base interval between scrape cycles.'),
  RANDOMIZATION_STRATEGY: spec(
    'Schedule',
    z.preprocess(emptyToUndefined, z.enum(RANDOMIZATION_STRATEGIES).default('poisson')),
    'How each sleep is drawn around the base interval.',
  ),
  MIN_RANDOM_FACTOR: spec('Schedule', positive(0.7), 'Lower clamp of a sleep, as a factor of the base interval.'),
  MAX_RANDOM_FACTOR: spec('Schedule', positive(1.3), 'Upper clamp of a sleep, as a factor of the base interval.'),
  SCRAPE_FANOUT: spec('Schedule', positiveInt(10), 'Scrape child workflows in flight at once per cycle.'),
  ERROR_ALERT_THRESHOLD: spec('Schedule', positiveInt(10), 'Scrape errors in the last hour that raise an operator alert.'),

  // Marketplaces
  MARKETPLACES: spec(
    'Marketplaces',
    commaList(),
    `Marketplaces to scrape (comma-separated: ${MARKETPLACE_NAMES.join(', ')}). Empty = every one that is configured.`,
  ),
  MOCK_MARKETPLACE: spec(
    'Marketplaces',
    bool(false),
    'Serve every marketplace from the local mock (on by default in `ticket-tracker dev`).',
  ),
  MOCK_MARKETPLACE_PORT: spec('Marketplaces', port(8787), 'Port of the mock marketplace.'),
  MOCK_MARKETPLACE_SEED: spec('Marketplaces', nonNegativeInt(42), "Seed of the mock marketplace's generated data."),
  ...marketplaceVars(),
  SCRAPE_DRIFT_MAX_SKIPPED_SHARE: spec(
    'Marketplaces',
    z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1).default(0.2)),
    'Share of a payload\'s items that may be skipped before the scrape is a "format drift" failure (0.2 = 20 %).',
  ),
  SCRAPE_DRIFT_MAX_DECLARED_GAP: spec(
    'Marketplaces',
    z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1).default(0.2)),
    'Share by which the parsed listing count may differ from the count the marketplace declares before the scrape is "format drift".',
  ),
  SCRAPE_EMPTY_AFTER_LISTINGS: spec(
    'Marketplaces',
    positiveInt(10),
    'A scrape with 0 listings is marked "empty" when the previous scrape of the event stored at least this many.',
  ),
  MARKETPLACE_CONCURRENCY: spec('Marketplaces', positiveInt(4), 'Fetch activities in flight per marketplace per worker.'),
  HTTP_USER_AGENT: spec(
    'Marketplaces',
    z.preprocess(emptyToUndefined, z.string().min(1).default('ticket-tracker/0.1 (+price research)')),
    'User agent of marketplace requests.',
  ),
  HTTP_PROXIES: spec(
    'Marketplaces',
    commaList(),
    'Proxy URLs rotated per request (comma-separated); standard HTTPS_PROXY/HTTP_PROXY also apply.',
    true,
  ),
  HTTP_TIMEOUT_MS: spec('Marketplaces', positiveInt(15000), 'Connect and body timeout of marketplace requests.'),
  REQUEST_DELAY_DISTRIBUTION: spec(
    'Marketplaces',
    z.preprocess(emptyToUndefined, z.enum(DELAY_DISTRIBUTIONS).default('none')),
    'Random delay before each request.',
  ),
  REQUEST_DELAY_MIN_MS: spec('Marketplaces', nonNegativeInt(0), 'Minimum random delay before a request.'),
  REQUEST_DELAY_MAX_MS: spec('Marketplaces', nonNegativeInt(0), 'Maximum random delay before a request.'),

  // Alerts: each channel's settings, then the ones every channel shares
  ...channelVars(),
  ALERT_TIMEOUT_MS: spec('Alerts', positiveInt(10000), 'Timeout of one delivery to a channel (connect, answer and body).'),

  // Retention
  RETENTION_RAW_DAYS: spec('Retention', positiveInt(120), 'Raw listings and snapshots kept before moving to the archive.'),
  RETENTION_HOURLY_DAYS: spec('Retention', positiveInt(180), 'Hourly rollups kept.'),
  RETENTION_RUNS_DAYS: spec('Retention', positiveInt(90), 'Days the record of each cycle (table cycles) is kept.'),
  RETENTION_ERRORS_DAYS: spec('Retention', positiveInt(30), 'Scrape errors kept.'),

  // Process
  LOG_LEVEL: spec('Process', z.preprocess(emptyToUndefined, z.enum(['debug', 'info', 'warn', 'error']).default('info')), 'Log level.'),
  DASHBOARD_PORT: spec('Process', port(8080), 'Port of the dashboard (`ticket-tracker dashboard`, also started by `npm start`).'),
  DASHBOARD_TOKEN: spec(
    'Process',
    optionalString(),
    'Token every dashboard request must carry (`Authorization: Bearer`, or `?token=` once, then a cookie); required to bind the dashboard to a non-loopback address. At least 16 characters.',
    true,
  ),
  METRICS_PORT: spec(
    'Process',
    z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(9464)),
    "Port of the worker's Prometheus metrics and health endpoint (0 disables).",
  ),
  TEMPORAL_METRICS_PORT: spec(
    'Process',
    z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(0)),
    "Port of the Temporal SDK's own runtime metrics (Prometheus /metrics: polls, task latencies, slots) beside the worker's; 0 disables.",
  ),
} satisfies Record<string, EnvVarSpec>;

export type EnvVarName = keyof typeof ENV_VARS;
type Shape = { [K in EnvVarName]: (typeof ENV_VARS)[K]['schema'] };

function buildShape(): Shape {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, s] of Object.entries(ENV_VARS)) shape[name] = s.schema;
  return shape as Shape;
}

export const envSchema = z.object(buildShape());
export type Env = z.infer<typeof envSchema>;

export const SECRET_VARS: readonly EnvVarName[] = (Object.keys(ENV_VARS) as EnvVarName[]).filter((k) => ENV_VARS[k].secret === true);
