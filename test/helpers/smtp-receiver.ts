import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerAuthentication,
  type SMTPServerDataStream,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';

/** The callbacks the server hands its handlers, typed from the package's own options (stated, not inferred). */
type AuthCallback = Parameters<NonNullable<SMTPServerOptions['onAuth']>>[2];
type RcptCallback = Parameters<NonNullable<SMTPServerOptions['onRcptTo']>>[2];
type DataCallback = Parameters<NonNullable<SMTPServerOptions['onData']>>[2];

/**
 * A real SMTP server in-process (the `smtp-server` package, nodemailer's sibling), on loopback,
 * that parses every message it accepts with `mailparser`. It can require a user and password
 * (AUTH PLAIN/LOGIN, answering 535 to a wrong one as servers do), refuse recipients with 550,
 * and answer the next messages with a temporary 451. STARTTLS is not offered (a loopback test
 * server has no certificate a client would trust).
 */
export interface SmtpReceiver {
  /** smtp://[user:password@]127.0.0.1:<port> */
  url: string;
  port: number;
  messages: { envelope: { from: string; to: string[] }; raw: string; parsed: ParsedMail }[];
  /** The next `count` messages are answered `451 4.3.0 Temporary failure, try again later`. */
  failNext(count: number): void;
  close(): Promise<void>;
}

export async function startSmtpReceiver(options: { user?: string; password?: string; refuse?: string[] } = {}): Promise<SmtpReceiver> {
  const messages: SmtpReceiver['messages'] = [];
  let failures = 0;
  const refuse = new Set((options.refuse ?? []).map((a) => a.toLowerCase()));
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: options.user === undefined,
    allowInsecureAuth: true,
    onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback: AuthCallback) {
      if (auth.username === options.user && auth.password === options.password) return callback(null, { user: auth.username });
      const err = Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 });
      return callback(err);
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: RcptCallback) {
      if (refuse.has(address.address.toLowerCase())) {
        return callback(
          Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }),
        );
      }
      return callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: DataCallback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures > 0) {
          failures--;
          return callback(Object.assign(new Error('4.3.0 Temporary failure, try again later'), { responseCode: 451 }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed: ParsedMail) => {
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            messages.push({ envelope: { from, to: session.envelope.rcptTo.map((r: SMTPServerAddress) => r.address) }, raw, parsed });
            callback(null, `2.0.0 Ok: queued as ${messages.length}`);
          })
          .catch((err: unknown) => callback(err as Error));
      });
    },
  });
  server.on('error', () => undefined); // a client that gives up mid-handshake is not the test's failure
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const auth = options.user !== undefined ? `${encodeURIComponent(options.user)}:${encodeURIComponent(options.password ?? '')}@` : '';
  return {
    url: `smtp://${auth}127.0.0.1:${port}`,
    port,
    messages,
    failNext(count) {
      failures = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
