/** The event catalog: sources (Google Sheet, file), sync into the database, lifecycle, cleanup. */
export { catalogSource, readCatalog } from './catalog-source';
export { cleanupUntracked, type CleanupCandidate, type CleanupMode, type CleanupReport } from './cleanup';
export { createFileSource } from './file-source';
export { AmbiguousEventError, EventRefError, parseEventRef, resolveEventRef, UnknownEventError, type ResolvedEvent } from './event-ref';
export { getEvent, listDueEvents, listEvents, loadDueEvents, markScraped, type CatalogEvent, type EventSourceState } from './lifecycle';
export { createSheetsSource, type SheetsSourceOptions } from './sheets-source';
export { CatalogReadError, type CatalogSource } from './source';
export { syncEvents, type SyncReport } from './sync';
