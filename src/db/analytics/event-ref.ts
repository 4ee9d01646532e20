/**
 * EVENT as the analytics commands take it: the one resolver every command shares (see
 * src/catalog/event-ref.ts for the forms: internal id, marketplace id, MARKETPLACE:ID, id:N, a link).
 */
export {
  AmbiguousEventError,
  EventRefError,
  resolveEventRef as resolveEvent,
  UnknownEventError,
  type ResolvedEvent as EventRef,
} from '../../catalog/event-ref';
