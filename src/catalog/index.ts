/** The event catalog: readers (Google Sheet, file), sync into the database, lifecycle, cleanup. */
export { catalogReader, readCatalog } from './read/open-reader';
export { cleanupUntracked, type CleanupCandidate, type CleanupMode, type CleanupReport } from './cleanup';
export { createFileReader } from './read/file-reader';
export { AmbiguousEventError, EventRefError, parseEventRef, resolveEventRef, UnknownEventError, type ResolvedEvent } from './event-ref';
export { getEvent, listDueEvents, listEvents, loadDueEvents, markScraped, type CatalogEvent, type EventSourceState } from './lifecycle';
export { createSheetsReader, type SheetsReaderOptions } from './read/sheets-reader';
export { CatalogReadError, type CatalogReader } from './read/reader';
export { syncEvents, type SyncReport } from './sync';
