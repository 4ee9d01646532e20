import { z } from 'zod';
import { emptyToUndefined, optionalString } from '../../../config/setting-schemas';
import { defineChannel, type SettingProblem } from '../descriptor';
import { emailChannel } from './channel';
import { renderEmail } from './render';

/** `smtp://host:587` or `smtps://host:465`, with a host. */
function smtpUrl() {
  return z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (s) => URL.canParse(s) && /^smtps?:$/.test(new URL(s).protocol) && new URL(s).hostname !== '',
        'must be an smtp:// or smtps:// URL, e.g. smtp://mail.example.com:587 or smtps://mail.example.com:465',
      )
      .optional(),
  );
}

const ADDRESS = String.raw`[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+`;
const MAILBOX = new RegExp(`^(?:${ADDRESS}|[^<>,;]*<${ADDRESS}>)$`);
/** `a@example.com, Jane <j@example.org>` (commas or semicolons) -> each address checked and named when wrong. */
function emailList() {
  return z.preprocess(
    (v) => {
      const e = emptyToUndefined(v);
      return typeof e === 'string'
        ? e
            .split(/[,;]/)
            .map((s) => s.trim())
            .filter((s) => s.length > 0)
        : e;
    },
    z
      .array(
        z.string().refine((s) => MAILBOX.test(s), {
          error: (issue) =>
            `${JSON.stringify(issue.input)} is not an e-mail address (write ops@example.com or Jane Doe <jane@example.com>)`,
        }),
      )
      .default([]),
  );
}

/** E-mail: one message per alert to every recipient, over SMTP. */
export const email = defineChannel({
  name: 'email',
  label: 'E-mail',
  settings: [
    {
      name: 'SMTP_URL',
      description:
        'SMTP server for e-mail alerts: `smtp://host:587` (STARTTLS when offered) or `smtps://host:465` (TLS); user and password may be in the URL.',
      secret: true,
      schema: smtpUrl(),
    },
    { name: 'SMTP_USER', description: 'SMTP user name when it is not in SMTP_URL.', secret: false, schema: optionalString() },
    { name: 'SMTP_PASSWORD', description: 'SMTP password when it is not in SMTP_URL.', secret: true, schema: optionalString() },
    {
      name: 'ALERT_EMAIL_FROM',
      description: 'Sender of e-mail alerts, e.g. `Ticket Tracker <alerts@example.com>` (default: alerts@ the SMTP host).',
      secret: false,
      schema: optionalString(),
    },
    {
      name: 'ALERT_EMAIL_TO',
      description:
        'Recipients of e-mail alerts: addresses separated by commas or semicolons (`ops@example.com, Jane Doe <jane@example.com>`).',
      secret: false,
      schema: emailList(),
    },
  ],
  settingsProblems: (s) => {
    const problem = halfSetUp(s);
    return problem ? [problem] : [];
  },
  configure: (s, deps) => {
    const problem = halfSetUp(s);
    if (problem) throw new Error(`${problem.variable}: ${problem.reason}`);
    if (!s.SMTP_URL) return null;
    return emailChannel({
      smtpUrl: s.SMTP_URL,
      user: s.SMTP_USER,
      password: s.SMTP_PASSWORD,
      from: s.ALERT_EMAIL_FROM,
      to: s.ALERT_EMAIL_TO,
      timeoutMs: deps.timeoutMs,
      smtpTransport: deps.io.smtpTransport,
    });
  },
  render: (message) => renderEmail(message),
});

/** E-mail needs both a server and recipients: the problem when only one is set. */
function halfSetUp(s: { SMTP_URL?: string | undefined; ALERT_EMAIL_TO: readonly string[] }): SettingProblem | undefined {
  if (s.SMTP_URL && s.ALERT_EMAIL_TO.length === 0) {
    return { variable: 'ALERT_EMAIL_TO', reason: 'is required when SMTP_URL is set (comma-separated addresses)' };
  }
  if (!s.SMTP_URL && s.ALERT_EMAIL_TO.length > 0) {
    return { variable: 'SMTP_URL', reason: 'is required when ALERT_EMAIL_TO is set (e.g. smtp://user:password@mail.example.com:587)' };
  }
  return undefined;
}
