/** The event catalog: sources (Google Sheet, file), sync into the database, lifecycle, cleanup. */
export { catalogSource, readCatalog } from './catalog-source';
export { cleanupUntracked, type CleanupCandidate, type CleanupMode, type CleanupReport } from './cleanup';
export { createFileSource } from './file-source';
export {
  AmbiguousEventError,
  listDueEvents,
  listEvents,
  markScraped,
  resolveEvent,
  type CatalogEvent,
  type DueEvent,
  type EventSourceState,
} from './lifecycle';
export { createSheetsSource, type SheetsSourceOptions } from './sheets-source';
export { CatalogReadError, type CatalogSource } from './source';
export { syncEvents, type SyncReport } from './sync';
