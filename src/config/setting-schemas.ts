import { z } from 'zod';

/**
 * zod schemas of setting values as they come from the environment (strings; an empty or blank
 * string is "not set"), shared by src/config/schema.ts and the descriptors that declare their own
 * settings (src/alerts/channels/<name>/descriptor.ts). Pure: no I/O.
 */
/** An empty or blank string is a setting left unset. */
export const emptyToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** Any text; undefined when unset. */
export const optionalString = () => z.preprocess(emptyToUndefined, z.string().optional());
/** A TCP port (1-65535), `def` when unset. */
export const port = (def: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).default(def));
/** A number above 0, `def` when unset. */
export const positive = (def: number) => z.preprocess(emptyToUndefined, z.coerce.number().positive().default(def));
/** A whole number above 0, `def` when unset. */
export const positiveInt = (def: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(def));
/** A whole number, 0 or more, `def` when unset. */
export const nonNegativeInt = (def: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(def));
/** true/false, yes/no, on/off or 1/0; `def` when unset. */
export const bool = (def: boolean) =>
  z.preprocess(
    (v) => {
      const e = emptyToUndefined(v);
      if (typeof e !== 'string') return e;
      const s = e.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      return e;
    },
    z.boolean({ error: 'must be true/false, yes/no, on/off or 1/0' }).default(def),
  );
/** An http(s) URL; undefined when unset. */
export const httpUrl = () =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((s) => /^https?:\/\/[^\s]+$/.test(s) && URL.canParse(s), 'must be an http(s) URL')
      .optional(),
  );
/** A postgres:// or postgresql:// URL; undefined when unset. */
export const postgresUrl = () =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (s) => URL.canParse(s) && /^postgres(ql)?:$/.test(new URL(s).protocol),
        'must be a postgres:// or postgresql:// URL, e.g. postgres://localhost:5432/ticket_tracker',
      )
      .optional(),
  );
/** `host:port`, `def` when unset. */
export const hostPort = (def: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233')
      .default(def),
  );
/** Comma-separated items, trimmed, empty ones dropped; [] when unset. */
export const commaList = () =>
  z.preprocess((v) => {
    const e = emptyToUndefined(v);
    return typeof e === 'string'
      ? e
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : e;
  }, z.array(z.string()).default([]));
