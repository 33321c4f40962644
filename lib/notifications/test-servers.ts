/**
 * Test-only: a local SMTP sink and a local webhook receiver on 127.0.0.1 (ephemeral ports).
 * The sink speaks enough SMTP for lib/notifications/smtp-client (EHLO, optional STARTTLS with a
 * given key/certificate, AUTH PLAIN, MAIL, RCPT, DATA with dot-unstuffing, QUIT) and records
 * each message; the receiver records each JSON POST and can answer with failures first.
 */
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';

export interface SinkMessage {
  from: string;
  to: string[];
  data: string;
  auth: { user: string; pass: string } | null;
  tls: boolean;
}

export interface SmtpSink {
  port: number;
  messages: SinkMessage[];
  close(): Promise<void>;
}

export async function startSmtpSink(
  opts: { tls?: { key: string; cert: string }; rejectRcpt?: (addr: string) => boolean } = {},
): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    let socket: net.Socket = raw;
    let buf = '';
    let inData = false;
    let secured = false;
    let cur: Omit<SinkMessage, 'data'> = { from: '', to: [], auth: null, tls: false };
    const reply = (s: string) => socket.write(`${s}\r\n`);
    const onLine = (line: string) => {
      if (inData) return;
      const [verb = '', ...rest] = line.split(' ');
      const arg = rest.join(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO':
          reply(`250-sink greets ${arg}`);
          if (opts.tls && !secured) reply('250-STARTTLS');
          reply('250-AUTH PLAIN');
          return reply('250 8BITMIME');
        case 'STARTTLS': {
          reply('220 go ahead');
          socket.removeAllListeners('data');
          const secure = new tls.TLSSocket(socket, { isServer: true, key: opts.tls!.key, cert: opts.tls!.cert });
          socket = secure;
          secured = true;
          buf = '';
          secure.on('data', onData);
          secure.on('error', () => undefined);
          return;
        }
        case 'AUTH': {
          const [, token = ''] = arg.split(' ');
          const [, user = '', pass = ''] = Buffer.from(token, 'base64').toString('utf8').split('\u0000');
          cur.auth = { user, pass };
          return reply('235 ok');
        }
        case 'MAIL':
          cur = { from: arg.replace(/^FROM:<|>$/gi, ''), to: [], auth: cur.auth, tls: secured };
          return reply('250 ok');
        case 'RCPT': {
          const addr = arg.replace(/^TO:<|>$/gi, '');
          if (opts.rejectRcpt?.(addr)) return reply('550 no such user');
          cur.to.push(addr);
          return reply('250 ok');
        }
        case 'DATA':
          inData = true;
          return reply('354 end with .');
        case 'QUIT':
          reply('221 bye');
          return socket.end();
        default:
          return reply('502 unknown');
      }
    };
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const body = buf
            .slice(0, end)
            .split('\r\n')
            .map((l) => (l.startsWith('..') ? l.slice(1) : l))
            .join('\r\n');
          buf = buf.slice(end + 5);
          inData = false;
          messages.push({ ...cur, data: body });
          reply('250 queued');
          continue;
        }
        const i = buf.indexOf('\r\n');
        if (i < 0) return;
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        onLine(line);
        if (secured && socket !== raw && buf.length === 0) continue;
      }
    };
    raw.on('data', onData);
    raw.on('error', () => undefined);
    reply('220 sink ready');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    messages,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
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
