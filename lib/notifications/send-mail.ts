/**
 * E-mail through nodemailer (REKEY_SMTP_URL, lib/notifications/notification-settings.ts):
 * SMTPS (`smtps://`, TLS from the first byte) or SMTP with STARTTLS (used whenever the server
 * offers it; `?starttls=required` refuses a server that does not), AUTH with the URL's
 * credentials — never over a plain connection to another machine — a small connection pool per
 * server, and retries with backoff for transient failures (connection errors, timeouts, 4xx
 * replies). Permanent refusals (5xx) are not retried.
 */
import type tls from 'node:tls';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
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
  /** Attempts for a transient failure (default 3) and the first backoff (default 1 s, doubling). */
  attempts?: number;
  backoffMs?: number;
}

export interface SentMail {
  accepted: string[];
  rejected: string[];
  response: string;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** nodemailer's transport options for a configuration (pure: tested on its own). */
export function transportOptions(o: SmtpOptions): SMTPPool.Options {
  const timeout = o.timeoutMs ?? 20_000;
  return {
    pool: true,
    maxConnections: 2,
    maxMessages: 100,
    host: o.host,
    port: o.port,
    secure: o.secure,
    // Credentials only inside TLS, unless the relay is on this machine.
    requireTLS: !o.secure && (o.starttls === 'required' || (o.user !== undefined && !isLoopback(o.host))),
    ...(o.user !== undefined ? { auth: { user: o.user, pass: o.pass ?? '' } } : {}),
    name: o.clientName ?? 'rekey.local',
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(o.tls ? { tls: o.tls } : {}),
  };
}

type Transport = ReturnType<typeof nodemailer.createTransport<SMTPPool.SentMessageInfo>>;
const pools = new Map<string, Transport>();

function transportFor(o: SmtpOptions): Transport {
  const options = transportOptions(o);
  const key = JSON.stringify(options);
  let t = pools.get(key);
  if (!t) {
    t = nodemailer.createTransport(options);
    pools.set(key, t);
  }
  return t;
}

/** Closes every pooled connection (tests, shutdown). */
export function closeMailPools(): void {
  for (const t of pools.values()) t.close();
  pools.clear();
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  command?: string;
  rejected?: string[];
}

/** Worth another try: the network, a timeout, or a 4xx "try again later" reply. */
export function isTransient(e: SmtpError): boolean {
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500;
  return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'ECONNREFUSED', 'EDNS'].includes(e.code ?? '');
}

function describe(e: SmtpError): string {
  return `${e.message}${e.responseCode ? ` (${e.responseCode})` : ''}`;
}

/** Sends one message; returns the recipients the server accepted. */
export async function sendMail(o: SmtpOptions, m: MailMessage): Promise<SentMail> {
  if (m.to.length === 0) throw new RekeyError('BAD_INPUT', 'An email needs at least one recipient.');
  const attempts = o.attempts ?? 3;
  const backoff = o.backoffMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const info = await transportFor(o).sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        date: m.date ?? new Date(),
      });
      const str = (a: unknown) => (typeof a === 'string' ? a : (a as { address: string }).address);
      return { accepted: info.accepted.map(str), rejected: info.rejected.map(str), response: info.response };
    } catch (err) {
      const e = err as SmtpError;
      if (e.code === 'ETLS' || (e.code === 'EENVELOPE' && !e.responseCode) || /STARTTLS/i.test(e.message))
        throw new RekeyError(
          'CONFIG',
          `The SMTP server ${o.host}:${o.port} does not offer a secure connection, but REKEY_SMTP_URL requires it (or sends credentials): ${describe(e)}`,
        );
      if (e.code === 'EAUTH')
        throw new RekeyError('CONFIG', `The SMTP server refused the credentials in REKEY_SMTP_URL: ${describe(e)}`);
      if (e.code === 'EENVELOPE' && e.rejected?.length === m.to.length)
        throw new RekeyError('INTERNAL', `SMTP server accepted none of the recipients (${m.to.join(', ')}).`);
      if (attempt >= attempts || !isTransient(e))
        throw new RekeyError(
          'INTERNAL',
          `Sending e-mail through ${o.host}:${o.port} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${describe(e)}`,
          { smtpCode: e.responseCode ?? null },
        );
      await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1)));
    }
  }
}
