/**
 * Test-only: a local SMTP sink and a local webhook receiver on 127.0.0.1 (ephemeral ports).
 * The sink is nodemailer's own `smtp-server` (EHLO, optional STARTTLS with a given
 * key/certificate or TLS from the start, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA) and records each
 * message, decoded with `mailparser`; it can refuse recipients and answer the first messages with
 * a temporary failure. The receiver records each JSON POST and can answer with failures first.
 */
import http from 'node:http';
import type net from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  from: string;
  to: string[];
  /** The raw message as received (headers and encoded body). */
  data: string;
  subject: string;
  /** The decoded plain-text body. */
  text: string;
  auth: { user: string; pass: string } | null;
  tls: boolean;
}

export interface SmtpSink {
  port: number;
  messages: SinkMessage[];
  /** Sessions the server saw (connections), for the pooling test. */
  connections: number;
  /** Answer the next `n` MAIL FROM commands with a temporary (4xx) or permanent (5xx) failure. */
  failNext(n: number, code?: number): void;
  close(): Promise<void>;
}

export async function startSmtpSink(
  opts: {
    tls?: { key: string; cert: string };
    /** TLS from the first byte (smtps://), with `tls`. */
    secure?: boolean;
    rejectRcpt?: (addr: string) => boolean;
  } = {},
): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  let failures = 0;
  let failCode = 451;
  let connections = 0;
  const auths = new Map<string, { user: string; pass: string }>();
  const server = new SMTPServer({
    secure: opts.secure ?? false,
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    // Without a certificate it does not speak STARTTLS at all (smtp-server would otherwise use a
    // built-in certificate when a client insists).
    ...(!opts.tls || opts.secure ? { disabledCommands: ['STARTTLS'] } : {}),
    authOptional: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onConnect(_session, cb) {
      connections++;
      cb();
    },
    onAuth(auth, session, cb) {
      auths.set(session.id, { user: auth.username ?? '', pass: auth.password ?? '' });
      cb(null, { user: auth.username });
    },
    onMailFrom(_address, _session, cb) {
      if (failures > 0) {
        failures--;
        const err = Object.assign(new Error(failCode < 500 ? 'try again later' : 'refused'), {
          responseCode: failCode,
        });
        return cb(err);
      }
      cb();
    },
    onRcptTo(address, _session, cb) {
      if (opts.rejectRcpt?.(address.address))
        return cb(Object.assign(new Error('no such user'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              data: raw.toString('utf8'),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              auth: auths.get(session.id) ?? null,
              tls: session.secure,
            });
            cb();
          })
          .catch((e: Error) => cb(e));
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.server.address() as net.AddressInfo).port,
    messages,
    get connections() {
      return connections;
    },
    failNext(n, code = 451) {
      failures = n;
      failCode = code;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface WebhookReceiver {
  url: string;
  received: { headers: http.IncomingHttpHeaders; body: unknown }[];
  /** Answer the next `n` requests with this status. */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  let failures = 0;
  let failStatus = 500;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus, { 'content-type': 'text/plain' }).end('try later');
        return;
      }
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('1');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`,
    received,
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
