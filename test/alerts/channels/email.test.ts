import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { emailChannel } from '../../../src/alerts/channels/email/channel';
import { CHANNEL_IO } from '../../../src/alerts/transport';
import { escapeHtml, renderEmail } from '../../../src/alerts/channels/email/render';
import type { AlertMessage } from '../../../src/alerts/message';
import { sampleAlert } from '../../../src/alerts/sample';
import { startSmtpReceiver, type SmtpReceiver } from '../../helpers/smtp-receiver';

const NOW = new Date('2027-04-30T18:00:00.000Z');
const alert = (overrides: Partial<AlertMessage> = {}): AlertMessage => ({ ...sampleAlert(NOW), ...overrides });

describe('e-mail rendering', () => {
  it('escapes HTML in every piece of user text, and keeps the plain text as written', () => {
    const mail = renderEmail(alert({ text: 'Drop <script>alert(1)</script> & "more"' }));
    assert.doesNotMatch(mail.html, /<script>|<Revival>/);
    assert.match(mail.html, /Rock &amp; Roll &lt;Revival&gt; Tour/);
    assert.match(mail.html, /Drop &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;more&quot;/);
    assert.match(mail.text, /Event: Rock & Roll <Revival> Tour <https:\/\/www\.stubhub\.com\/event\/150000000>/);
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('the subject is the title on one line; the Message-ID follows the dedupe key', () => {
    const a = renderEmail(alert({ title: 'Price drop:\n  Alpha\tTour', dedupeKey: 'k1' }));
    assert.equal(a.subject, 'Price drop: Alpha Tour');
    assert.equal(a.messageId, renderEmail(alert({ dedupeKey: 'k1' })).messageId);
    assert.notEqual(a.messageId, renderEmail(alert({ dedupeKey: 'k2' })).messageId);
    assert.match(a.messageId, /^<alert-[0-9a-f]{32}@ticket-tracker>$/);
  });
});

describe('e-mail channel against a real SMTP server (smtp-server, parsed with mailparser)', () => {
  let smtp: SmtpReceiver;
  before(async () => {
    smtp = await startSmtpReceiver({ user: 'alerts', password: 'p@ss:word/1', refuse: ['gone@example.com'] });
  });
  after(async () => {
    await smtp.close();
  });
  const channel = (overrides: Partial<Parameters<typeof emailChannel>[0]> = {}) =>
    emailChannel({
      smtpUrl: smtp.url,
      to: ['ops@example.com', 'Analyst <analyst@example.com>'],
      from: 'Ticket Tracker <tt@example.com>',
      timeoutMs: 5000,
      smtpTransport: CHANNEL_IO.smtpTransport,
      ...overrides,
    });

  it('is delivered: text and HTML alternatives, subject, sender, recipients, the alert key header', async () => {
    const outcome = await channel().send(alert());
    assert.equal(outcome.status, 'delivered', JSON.stringify(outcome));
    assert.match(outcome.status === 'delivered' ? outcome.response : '', /^250 .*queued as 1/);
    const { envelope, parsed } = smtp.messages.at(-1)!;
    assert.deepEqual(envelope, { from: 'tt@example.com', to: ['ops@example.com', 'analyst@example.com'] });
    assert.equal(parsed.subject, 'Test alert: price drop for Rock & Roll <Revival> Tour, Floor on StubHub');
    assert.equal(parsed.from?.text, '"Ticket Tracker" <tt@example.com>');
    assert.match(parsed.text ?? '', /Previous price: \$220\.00\nPrice: \$180\.00\nChange: -18\.2 %/);
    assert.match(String(parsed.html), /<a href="https:\/\/www\.stubhub\.com\/event\/150000000">Rock &amp; Roll &lt;Revival&gt; Tour<\/a>/);
    assert.equal(parsed.headers.get('x-ticket-tracker-alert-key'), alert().dedupeKey);
    assert.equal(parsed.messageId, renderEmail(alert()).messageId);
  });

  it('user and password may come as separate settings instead of in the URL', async () => {
    const bare = smtp.url.replace(/\/\/[^@]+@/, '//');
    const outcome = await channel({ smtpUrl: bare, user: 'alerts', password: 'p@ss:word/1' }).send(alert());
    assert.equal(outcome.status, 'delivered', JSON.stringify(outcome));
  });

  it('535 authentication failed is permanent, and the password is not in the reason', async () => {
    const outcome = await channel({ smtpUrl: smtp.url.replace(encodeURIComponent('p@ss:word/1'), 'wrong-password') }).send(alert());
    assert.equal(outcome.status, 'permanent');
    assert.match(outcome.status === 'permanent' ? outcome.reason : '', /SMTP 535/);
    assert.ok(!JSON.stringify(outcome).includes('p@ss:word/1'));
  });

  it('550 for every recipient is permanent; 550 for one of two still delivers and says who was refused', async () => {
    const none = await channel({ to: ['gone@example.com'] }).send(alert());
    assert.equal(none.status, 'permanent');
    assert.match(none.status === 'permanent' ? none.reason : '', /SMTP 550/);
    const some = await channel({ to: ['gone@example.com', 'ops@example.com'] }).send(alert());
    assert.equal(some.status, 'delivered');
    assert.match(some.status === 'delivered' ? some.response : '', /refused recipients: gone@example\.com/);
  });

  it('451 temporary failure is a retry; the next try is delivered', async () => {
    smtp.failNext(1);
    const first = await channel().send(alert());
    assert.equal(first.status, 'retry');
    assert.match(first.status === 'retry' ? first.reason : '', /SMTP 451/);
    assert.equal((await channel().send(alert())).status, 'delivered');
  });

  it("smtps:// to a server whose certificate is not trusted is permanent and says so (smtp-server's own test certificate)", async () => {
    const tls = new SMTPServer({
      logger: false,
      secure: true,
      authOptional: true,
      onData: (stream: SMTPServerDataStream, _session: SMTPServerSession, cb: Parameters<NonNullable<SMTPServerOptions['onData']>>[2]) =>
        stream.resume().on('end', () => cb()),
    });
    tls.on('error', () => undefined);
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (tls.server.address() as net.AddressInfo).port;
      const outcome = await channel({ smtpUrl: `smtps://127.0.0.1:${port}` }).send(alert());
      assert.equal(outcome.status, 'permanent', JSON.stringify(outcome));
      assert.match(
        outcome.status === 'permanent' ? outcome.reason : '',
        /ESOCKET \((CERT_HAS_EXPIRED|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\).*TLS certificate is not trusted/,
      );
    } finally {
      await new Promise<void>((r) => tls.close(() => r()));
    }
  });

  it('a refused connection is a retry', async () => {
    const gone = await startSmtpReceiver();
    const url = gone.url;
    await gone.close();
    const outcome = await channel({ smtpUrl: url }).send(alert());
    assert.equal(outcome.status, 'retry', JSON.stringify(outcome));
  });

  it('a server that never greets is a retry within the timeout', async () => {
    const silent = net.createServer(() => undefined);
    const sockets = new Set<net.Socket>();
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const started = Date.now();
      const outcome = await channel({ smtpUrl: `smtp://127.0.0.1:${port}`, timeoutMs: 300 }).send(alert());
      assert.equal(outcome.status, 'retry', JSON.stringify(outcome));
      assert.ok(Date.now() - started < 3000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
