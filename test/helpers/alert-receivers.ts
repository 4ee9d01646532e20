import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookBodySchema, verifySignature, type WebhookBody } from '../../src/alerts/channels/webhook/channel';

/**
 * Local receivers that answer like Discord, Slack and a signed generic webhook, for the channel
 * tests and for end-to-end tests of alert delivery. Each checks a request the way the real
 * service does and answers with the real service's status codes and bodies; a test can queue
 * other answers (429, 401, 5xx, a slow answer) for the next requests.
 *
 * Sources of the formats (also named in each channel's folder):
 * - Discord (discord/discord-api-docs): docs/resources/webhook.md "Execute Webhook" (204, or 200
 *   with the message when wait=true; at least one of content/embeds; content up to 2000
 *   characters; up to 10 embeds), docs/resources/message.md "Embed Limits" (title 256,
 *   description 4096, 25 fields, field name 256, value 1024, footer 2048, author 256, 6000 in
 *   all; "Violating any of these constraints will result in a Bad Request response"),
 *   docs/topics/rate-limits.md (429 body `{"message","retry_after","global"}`, headers
 *   Retry-After, X-RateLimit-*), docs/topics/opcodes-and-status-codes.md (JSON error codes
 *   10015 Unknown Webhook, 50027 Invalid Webhook Token, 50035 Invalid Form Body with `errors`
 *   holding `_errors: [{code, message}]` per field path, as captured in public bug reports such
 *   as github.com/abahmed/kwatch/issues/194: BASE_TYPE_MAX_LENGTH "Must be 1024 or fewer in length.").
 * - Slack: "Sending messages using incoming webhooks" and the changelog "Improving error
 *   conditions for Incoming Webhooks" (200 `ok`; 400 invalid_payload / no_text /
 *   invalid_blocks, 403 action_prohibited / invalid_token, 404 no_service / channel_not_found,
 *   410 channel_is_archived, 500 rollup_error; 429 with Retry-After), Block Kit reference for
 *   the block limits (header 150, section text 3000, fields 10 x 2000, context 10 elements,
 *   button text 75 and url 3000, 50 blocks).
 * - Generic webhook: this project's own contract (src/alerts/channels/webhook/body.ts and
 *   signature.ts), checked with the receiver-side `verifySignature` the README documents.
 */

/** One request a receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body (undefined when it was not JSON). */
  json: unknown;
  /** The status the receiver answered. */
  answeredWith: number;
}

/** An answer queued for the next request, instead of the receiver's own. */
export interface QueuedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Wait this long before answering (a slow receiver). */
  delayMs?: number;
}

export interface Receiver {
  /** The URL to configure (e.g. DISCORD_WEBHOOK_URL). */
  url: string;
  received: ReceivedRequest[];
  /** Requests that the receiver accepted (2xx), in order. */
  accepted(): ReceivedRequest[];
  /** Answers the next requests with these, in order, then goes back to its own answers. */
  queue(...answers: QueuedAnswer[]): void;
  /** Waits until `count` requests were accepted (default timeout 10 s). */
  waitForAccepted(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

type Answer = { status: number; headers?: Record<string, string>; body?: unknown };
type Handler = (req: ReceivedRequest) => Answer;

async function startReceiver(pathPrefix: string, handler: Handler): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const queued: QueuedAnswer[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(rawBody) as unknown;
      } catch {
        json = undefined;
      }
      const u = new URL(req.url ?? '/', 'http://localhost');
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        rawBody,
        json,
        answeredWith: 0,
      };
      received.push(request);
      const next = queued.shift();
      const answer = next ?? handler(request);
      request.answeredWith = answer.status;
      const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const headers = {
        ...(answer.body !== undefined && typeof answer.body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...(answer.headers ?? {}),
      };
      const reply = (): void => {
        if (!res.destroyed) res.writeHead(answer.status, headers).end(body);
      };
      if (next?.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          reply();
        }, next.delayMs);
        timers.add(t);
      } else reply();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const accepted = (): ReceivedRequest[] => received.filter((r) => r.answeredWith >= 200 && r.answeredWith < 300);
  return {
    url: `http://127.0.0.1:${port}${pathPrefix}`,
    received,
    accepted,
    queue: (...answers) => queued.push(...answers),
    async waitForAccepted(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (accepted().length < count) {
        if (Date.now() > deadline)
          throw new Error(`receiver at ${pathPrefix}: ${accepted().length} of ${count} requests accepted after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return accepted();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------- Discord

const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
};

/** Discord's per-field validation error, as its 400 "Invalid Form Body" carries it. */
function maxLength(max: number): { code: string; message: string } {
  return { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` };
}

/** Sets `_errors` at a field path of Discord's nested `errors` object. */
function addError(errors: Record<string, unknown>, path: (string | number)[], error: { code: string; message: string }): void {
  let node = errors;
  for (const key of path) {
    const k = String(key);
    node[k] = (node[k] as Record<string, unknown> | undefined) ?? {};
    node = node[k] as Record<string, unknown>;
  }
  const list = (node._errors as unknown[] | undefined) ?? [];
  list.push(error);
  node._errors = list;
}

/** The errors Discord would report for an Execute Webhook JSON body (empty object when valid). */
export function discordBodyErrors(body: unknown): Record<string, unknown> {
  const errors: Record<string, unknown> = {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    addError(errors, [], { code: 'DICT_TYPE_CONVERT', message: 'Only dictionaries may be used in a DictType' });
    return errors;
  }
  const b = body as { content?: unknown; embeds?: unknown };
  const trimmedLength = (v: unknown): number => (typeof v === 'string' ? v.trim().length : 0);
  if (b.content !== undefined && typeof b.content !== 'string')
    addError(errors, ['content'], { code: 'BASE_TYPE_STRING', message: 'Must be a string.' });
  if (trimmedLength(b.content) > DISCORD_LIMITS.content) addError(errors, ['content'], maxLength(DISCORD_LIMITS.content));
  const embeds = b.embeds;
  if (embeds !== undefined && !Array.isArray(embeds))
    addError(errors, ['embeds'], { code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
  const list = Array.isArray(embeds) ? (embeds as unknown[]) : [];
  if (trimmedLength(b.content) === 0 && list.length === 0) {
    addError(errors, [], { code: 'MESSAGE_EMPTY', message: 'Cannot send an empty message' });
  }
  if (list.length > DISCORD_LIMITS.embeds) addError(errors, ['embeds'], maxLength(DISCORD_LIMITS.embeds));
  let total = 0;
  list.forEach((raw, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const check = (path: (string | number)[], value: unknown, max: number): void => {
      if (value === undefined) return;
      if (typeof value !== 'string')
        return addError(errors, ['embeds', i, ...path], { code: 'BASE_TYPE_STRING', message: 'Must be a string.' });
      total += value.trim().length;
      if (value.trim().length > max) addError(errors, ['embeds', i, ...path], maxLength(max));
    };
    check(['title'], e.title, DISCORD_LIMITS.title);
    check(['description'], e.description, DISCORD_LIMITS.description);
    check(['footer', 'text'], (e.footer as { text?: unknown } | undefined)?.text, DISCORD_LIMITS.footer);
    check(['author', 'name'], (e.author as { name?: unknown } | undefined)?.name, DISCORD_LIMITS.author);
    if (e.url !== undefined && (typeof e.url !== 'string' || !/^https?:\/\/\S+$/.test(e.url))) {
      addError(errors, ['embeds', i, 'url'], { code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' });
    }
    if (e.color !== undefined && (!Number.isInteger(e.color) || (e.color as number) < 0 || (e.color as number) > 0xffffff)) {
      addError(errors, ['embeds', i, 'color'], { code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 16777215.' });
    }
    if (e.timestamp !== undefined && (typeof e.timestamp !== 'string' || Number.isNaN(Date.parse(e.timestamp)))) {
      addError(errors, ['embeds', i, 'timestamp'], { code: 'DATE_TIME_TYPE_PARSE', message: 'Could not parse timestamp.' });
    }
    const fields = Array.isArray(e.fields) ? (e.fields as unknown[]) : [];
    if (fields.length > DISCORD_LIMITS.fields) addError(errors, ['embeds', i, 'fields'], maxLength(DISCORD_LIMITS.fields));
    fields.forEach((rawField, j) => {
      const f = (rawField ?? {}) as { name?: unknown; value?: unknown };
      for (const key of ['name', 'value'] as const) {
        if (typeof f[key] !== 'string' || (f[key] as string).trim() === '') {
          addError(errors, ['embeds', i, 'fields', j, key], { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        }
      }
      check(['fields', j, 'name'], f.name, DISCORD_LIMITS.fieldName);
      check(['fields', j, 'value'], f.value, DISCORD_LIMITS.fieldValue);
    });
  });
  if (total > DISCORD_LIMITS.total)
    addError(errors, ['embeds'], { code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  return errors;
}

export interface DiscordReceiver extends Receiver {
  /** A URL with the right webhook id and a wrong token (Discord answers 401 50027). */
  wrongTokenUrl: string;
  /** A URL with an unknown webhook id (Discord answers 404 10015). */
  unknownWebhookUrl: string;
  /** Makes the receiver rate-limit: 429 with retry_after `seconds` for that long, then accept again. */
  rateLimitFor(seconds: number, global?: boolean): void;
}

/** A local Discord: POST /api/webhooks/{id}/{token}[?wait=true]. */
export async function startDiscordReceiver(): Promise<DiscordReceiver> {
  const id = '1234567890123456789';
  const token = `tok_${randomUUID().replace(/-/g, '')}`;
  let limitedUntil = 0;
  let limitGlobal = false;
  let messageId = 1_100_000_000_000_000_000n;
  const receiver = await startReceiver('', (req) => {
    const m = /^\/api\/webhooks\/(\d+)\/([^/]+)$/.exec(req.path);
    if (req.method !== 'POST' || !m) return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };
    if (m[1] !== id) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    if (m[2] !== token) return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };
    const now = Date.now();
    if (now < limitedUntil) {
      const after = (limitedUntil - now) / 1000;
      return {
        status: 429,
        headers: {
          'retry-after': String(Math.ceil(after)),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': after.toFixed(3),
          'x-ratelimit-scope': limitGlobal ? 'global' : 'shared',
          ...(limitGlobal ? { 'x-ratelimit-global': 'true' } : {}),
        },
        body: { message: 'You are being rate limited.', retry_after: Number(after.toFixed(3)), global: limitGlobal },
      };
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || req.json === undefined) {
      return { status: 400, body: { code: 50109, message: 'The request body contains invalid JSON.' } };
    }
    const errors = discordBodyErrors(req.json);
    if (Object.keys(errors).length > 0) return { status: 400, body: { code: 50035, errors, message: 'Invalid Form Body' } };
    if (req.query.get('wait') !== 'true') return { status: 204 };
    messageId += 1n;
    const body = req.json as { content?: string; embeds?: unknown[] };
    return {
      status: 200,
      body: {
        id: String(messageId),
        type: 0,
        content: body.content ?? '',
        channel_id: '1000000000000000001',
        webhook_id: id,
        embeds: body.embeds ?? [],
        timestamp: new Date().toISOString(),
      },
    };
  });
  const base = receiver.url;
  return {
    ...receiver,
    url: `${base}/api/webhooks/${id}/${token}`,
    wrongTokenUrl: `${base}/api/webhooks/${id}/not-the-token`,
    unknownWebhookUrl: `${base}/api/webhooks/999/${token}`,
    rateLimitFor(seconds, global = false) {
      limitedUntil = Date.now() + seconds * 1000;
      limitGlobal = global;
    },
  };
}

// ---------------------------------------------------------------- Slack

/** The Slack error code for a body, or undefined when Slack would post it. */
export function slackBodyError(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'invalid_payload';
  const b = body as { text?: unknown; blocks?: unknown };
  if (b.text !== undefined && typeof b.text !== 'string') return 'invalid_payload';
  if (b.blocks === undefined) return typeof b.text === 'string' && b.text.trim() !== '' ? undefined : 'no_text';
  if (!Array.isArray(b.blocks) || b.blocks.length === 0 || b.blocks.length > 50) return 'invalid_blocks';
  const plain = (t: unknown, max: number): boolean => {
    const o = t as { type?: unknown; text?: unknown } | undefined;
    return o?.type === 'plain_text' && typeof o.text === 'string' && o.text.length > 0 && o.text.length <= max;
  };
  const textObject = (t: unknown, max: number): boolean => {
    const o = t as { type?: unknown; text?: unknown } | undefined;
    return (o?.type === 'mrkdwn' || o?.type === 'plain_text') && typeof o.text === 'string' && o.text.length > 0 && o.text.length <= max;
  };
  for (const raw of b.blocks as unknown[]) {
    const block = (raw ?? {}) as Record<string, unknown>;
    switch (block.type) {
      case 'header':
        if (!plain(block.text, 150)) return 'invalid_blocks';
        break;
      case 'section': {
        const fields = block.fields;
        if (block.text === undefined && fields === undefined) return 'invalid_blocks';
        if (block.text !== undefined && !textObject(block.text, 3000)) return 'invalid_blocks';
        if (fields !== undefined) {
          if (!Array.isArray(fields) || fields.length === 0 || fields.length > 10) return 'invalid_blocks';
          if (!fields.every((f) => textObject(f, 2000))) return 'invalid_blocks';
        }
        break;
      }
      case 'context': {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) return 'invalid_blocks';
        if (!elements.every((e) => textObject(e, 3000))) return 'invalid_blocks';
        break;
      }
      case 'actions': {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) return 'invalid_blocks';
        for (const e of elements as Record<string, unknown>[]) {
          if (e.type !== 'button' || !plain(e.text, 75)) return 'invalid_blocks';
          if (e.url !== undefined && (typeof e.url !== 'string' || e.url.length > 3000 || !/^https?:\/\//.test(e.url)))
            return 'invalid_blocks';
          if (e.action_id !== undefined && (typeof e.action_id !== 'string' || e.action_id.length > 255)) return 'invalid_blocks';
        }
        break;
      }
      case 'divider':
        break;
      default:
        return 'invalid_blocks';
    }
  }
  return undefined;
}

export interface SlackReceiver extends Receiver {
  /** A URL whose token Slack does not know (404 no_service). */
  unknownHookUrl: string;
  /** The channel was archived: every post answers 410 channel_is_archived. */
  archive(): void;
  /** Answers 429 with Retry-After `seconds` for that long. */
  rateLimitFor(seconds: number): void;
}

/** A local Slack incoming webhook: POST /services/T…/B…/{token}. */
export async function startSlackReceiver(): Promise<SlackReceiver> {
  const hookPath = `/services/T0000000001/B0000000001/${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  let archived = false;
  let limitedUntil = 0;
  const receiver = await startReceiver('', (req): Answer => {
    if (req.method !== 'POST') return { status: 405, body: 'invalid_method' };
    if (req.path !== hookPath) return { status: 404, body: 'no_service' };
    if (archived) return { status: 410, body: 'channel_is_archived' };
    const now = Date.now();
    if (now < limitedUntil)
      return { status: 429, headers: { 'retry-after': String(Math.ceil((limitedUntil - now) / 1000)) }, body: 'rate_limited' };
    if (req.json === undefined) return { status: 400, body: 'invalid_payload' };
    const error = slackBodyError(req.json);
    return error ? { status: 400, body: error } : { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' };
  });
  const base = receiver.url;
  return {
    ...receiver,
    url: `${base}${hookPath}`,
    unknownHookUrl: `${base}/services/T0000000001/B0000000001/revokedtoken000000000000`,
    archive: () => {
      archived = true;
    },
    rateLimitFor(seconds) {
      limitedUntil = Date.now() + seconds * 1000;
    },
  };
}

// ---------------------------------------------------------------- generic webhook

export interface WebhookReceiver extends Receiver {
  /** The bodies it accepted, parsed with the v1 schema. */
  bodies(): WebhookBody[];
  /** Idempotency-Key values seen twice (answered 200 "duplicate", not processed again). */
  duplicates: string[];
}

/**
 * A receiver of the generic webhook written as the README tells users to: checks the
 * signature with the shared secret (401 when missing or wrong), parses the body with the v1
 * schema (422 when it does not match), drops a repeated Idempotency-Key.
 */
export async function startWebhookReceiver(options: { secret?: string } = {}): Promise<WebhookReceiver> {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const bodies: WebhookBody[] = [];
  const receiver = await startReceiver('/hooks/ticket-tracker', (req) => {
    if (req.method !== 'POST') return { status: 405 };
    if (options.secret) {
      const check = verifySignature(options.secret, req.headers['x-ticket-tracker-signature'] as string | undefined, req.rawBody);
      if (!check.ok) return { status: 401, body: { error: check.reason } };
    }
    const parsed = webhookBodySchema.safeParse(req.json);
    if (!parsed.success)
      return { status: 422, body: { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } };
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key !== parsed.data.dedupeKey)
      return { status: 400, body: { error: 'Idempotency-Key must equal dedupeKey' } };
    if (seen.has(key)) {
      duplicates.push(key);
      return { status: 200, body: { duplicate: true } };
    }
    seen.add(key);
    bodies.push(parsed.data);
    return { status: 202, body: { accepted: true } };
  });
  return { ...receiver, bodies: () => [...bodies], duplicates };
}
