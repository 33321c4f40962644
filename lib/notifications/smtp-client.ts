/**
 * A minimal SMTP client (RFC 5321) over node:net / node:tls: EHLO, STARTTLS (when offered, or
 * required), AUTH PLAIN, MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT. Enough to hand a
 * plain-text message to a relay (Exchange Online, Postfix, a local sink); no pooling, no
 * attachments. Credentials are only sent over TLS, or to a loopback host.
 */
import net from 'node:net';
import tls from 'node:tls';
import { randomUUID } from 'node:crypto';
import { RekeyError } from '@/lib/errors';
import type { SmtpConfig } from '@/lib/notifications/notification-settings';

export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  date?: Date;
}

export interface SmtpOptions extends SmtpConfig {
  /** Extra TLS options (e.g. a private CA for tests). */
  tls?: tls.ConnectionOptions;
  timeoutMs?: number;
  /** The name sent with EHLO. */
  clientName?: string;
}

interface Reply {
  code: number;
  lines: string[];
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

/** RFC 2047 encoded-word for non-ASCII header text. */
export function encodeHeader(s: string): string {
  const clean = oneLine(s);
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

/** Normalises line ends to CRLF and doubles a leading dot on every line (RFC 5321 §4.5.2). */
export function dotStuff(body: string): string {
  return body
    .replace(/\r?\n/g, '\r\n')
    .split('\r\n')
    .map((l) => (l.startsWith('.') ? `.${l}` : l))
    .join('\r\n');
}

export function buildMessage(m: MailMessage, messageIdHost = 'rekey.local'): string {
  const ascii = /^[\x00-\x7f]*$/.test(m.text);
  const body = ascii
    ? m.text
    : (
        Buffer.from(m.text.replace(/\r?\n/g, '\r\n'), 'utf8')
          .toString('base64')
          .match(/.{1,76}/g) ?? []
      ).join('\r\n');
  const headers = [
    `From: ${oneLine(m.from)}`,
    `To: ${m.to.map(oneLine).join(', ')}`,
    `Subject: ${encodeHeader(m.subject)}`,
    `Date: ${(m.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@${messageIdHost}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${ascii ? '7bit' : 'base64'}`,
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

class Conversation {
  private buf = '';
  private waiter: { resolve(r: Reply): void; reject(e: Error): void } | null = null;
  private failure: Error | null = null;
  socket: net.Socket;

  constructor(
    socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  attach(socket: net.Socket): void {
    this.socket = socket;
    socket.setTimeout(this.timeoutMs, () =>
      socket.destroy(new Error(`SMTP server did not answer within ${this.timeoutMs} ms`)),
    );
    socket.on('data', (d: Buffer) => {
      this.buf += d.toString('utf8');
      this.pump();
    });
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('SMTP connection closed')));
  }

  detach(): net.Socket {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('error');
    this.socket.removeAllListeners('close');
    this.socket.setTimeout(0);
    return this.socket;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(e);
  }

  private pump(): void {
    if (!this.waiter) return;
    const lines: string[] = [];
    let rest = this.buf;
    for (;;) {
      const i = rest.indexOf('\r\n');
      if (i < 0) return;
      const line = rest.slice(0, i);
      rest = rest.slice(i + 2);
      lines.push(line);
      if (/^\d{3}(?: |$)/.test(line)) break;
    }
    this.buf = rest;
    const w = this.waiter;
    this.waiter = null;
    w.resolve({ code: Number(lines[lines.length - 1]!.slice(0, 3)), lines: lines.map((l) => l.slice(4)) });
  }

  read(): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.pump();
    });
  }

  async command(line: string | null, expect: number[], what: string): Promise<Reply> {
    if (line !== null) this.socket.write(`${line}\r\n`);
    const r = await this.read();
    if (!expect.includes(r.code))
      throw new RekeyError('INTERNAL', `SMTP ${what} refused: ${r.code} ${r.lines.join(' ')}`, { smtpCode: r.code });
    return r;
  }
}

function connect(o: SmtpOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = o.secure
      ? tls.connect({ host: o.host, port: o.port, servername: net.isIP(o.host) ? undefined : o.host, ...o.tls }, () =>
          resolve(s),
        )
      : net.connect({ host: o.host, port: o.port }, () => resolve(s));
    s.once('error', reject);
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Sends one message; returns the recipients the server accepted. */
export async function sendMail(
  o: SmtpOptions,
  m: MailMessage,
): Promise<{ accepted: string[]; rejected: string[]; response: string }> {
  if (m.to.length === 0) throw new RekeyError('BAD_INPUT', 'An email needs at least one recipient.');
  const timeoutMs = o.timeoutMs ?? 20_000;
  const socket = await connect(o);
  const c = new Conversation(socket, timeoutMs);
  let secure = o.secure;
  try {
    await c.command(null, [220], 'greeting');
    const name = o.clientName ?? 'rekey.local';
    let ehlo = await c.command(`EHLO ${name}`, [250], 'EHLO');
    const offers = (r: Reply, ext: string) => r.lines.some((l) => l.toUpperCase().split(' ')[0] === ext);
    if (!secure && (offers(ehlo, 'STARTTLS') || o.starttls === 'required')) {
      if (!offers(ehlo, 'STARTTLS'))
        throw new RekeyError('CONFIG', 'The SMTP server does not offer STARTTLS, but REKEY_SMTP_URL requires it.');
      await c.command('STARTTLS', [220], 'STARTTLS');
      const plain = c.detach();
      const upgraded = await new Promise<tls.TLSSocket>((resolve, reject) => {
        const t = tls.connect({ socket: plain, servername: net.isIP(o.host) ? undefined : o.host, ...o.tls }, () =>
          resolve(t),
        );
        t.once('error', reject);
      });
      c.attach(upgraded);
      secure = true;
      ehlo = await c.command(`EHLO ${name}`, [250], 'EHLO');
    }
    if (o.user !== undefined) {
      if (!secure && !isLoopback(o.host))
        throw new RekeyError(
          'CONFIG',
          'Refusing to send SMTP credentials without TLS; use smtps:// or a server that offers STARTTLS.',
        );
      const token = Buffer.from(`\u0000${o.user}\u0000${o.pass ?? ''}`, 'utf8').toString('base64');
      await c.command(`AUTH PLAIN ${token}`, [235], 'AUTH');
    }
    await c.command(`MAIL FROM:<${oneLine(m.from)}>`, [250], 'MAIL FROM');
    const accepted: string[] = [];
    const rejected: string[] = [];
    for (const to of m.to) {
      c.socket.write(`RCPT TO:<${oneLine(to)}>\r\n`);
      const r = await c.read();
      (r.code === 250 || r.code === 251 ? accepted : rejected).push(to);
    }
    if (accepted.length === 0)
      throw new RekeyError('INTERNAL', `SMTP server accepted none of the recipients (${rejected.join(', ')}).`);
    await c.command('DATA', [354], 'DATA');
    c.socket.write(`${dotStuff(buildMessage(m))}\r\n.\r\n`);
    const done = await c.command(null, [250], 'message');
    c.socket.write('QUIT\r\n');
    await c.read().catch(() => undefined);
    return { accepted, rejected, response: done.lines.join(' ') };
  } finally {
    c.detach();
    c.socket.destroy();
  }
}
