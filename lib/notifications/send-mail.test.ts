import { afterEach, describe, expect, it } from 'vitest';
import { buildCert } from '@/lib/testing/certs';
import { parseSmtpUrl } from '@/lib/notifications/notification-settings';
import { closeMailPools, isTransient, sendMail, transportOptions } from '@/lib/notifications/send-mail';
import { startSmtpSink, type SmtpSink } from '@/lib/testing/test-servers';

let sink: SmtpSink | undefined;
afterEach(async () => {
  closeMailPools();
  await sink?.close();
  sink = undefined;
});

const msg = {
  from: 'rekey@example.test',
  to: ['sec@example.test'],
  subject: 'Zertifikat läuft ab',
  text: 'All done.\n.hidden line\n..two dots\nGröße',
};

// lib/testing's leaf certificates are client-auth only; a self-signed CA certificate has no EKU and serves TLS.
const serverCert = () =>
  buildCert({
    subject: 'CN=localhost',
    dnsNames: ['localhost'],
    isCA: true,
    slot: 7,
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 86_400_000),
  });

describe('SMTP URL', () => {
  it.each<[string, string, object]>([
    [
      'smtp with credentials',
      'smtp://me%40x.test:p%40ss@mail.example.test:2525',
      {
        host: 'mail.example.test',
        port: 2525,
        secure: false,
        starttls: 'opportunistic',
        user: 'me@x.test',
        pass: 'p@ss',
      },
    ],
    ['smtps defaults to 465', 'smtps://mail.example.test', { port: 465, secure: true }],
    ['STARTTLS can be required', 'smtp://mail.example.test?starttls=required', { port: 587, starttls: 'required' }],
  ])('%s', (_n, url, expected) => {
    expect(parseSmtpUrl(url)).toMatchObject(expected);
  });

  it('refuses other schemes', () => {
    expect(() => parseSmtpUrl('http://x')).toThrow(/smtp:\/\//);
  });

  it.each([
    ['credentials to another machine need TLS', 'smtp://u:p@mail.example.test', true],
    ['credentials to this machine may go in the clear', 'smtp://u:p@127.0.0.1:2525', false],
    ['no credentials: STARTTLS when offered', 'smtp://mail.example.test', false],
    ['?starttls=required', 'smtp://mail.example.test?starttls=required', true],
    ['smtps: TLS from the start', 'smtps://u:p@mail.example.test', false],
  ])('%s', (_n, url, requireTLS) => {
    const o = transportOptions(parseSmtpUrl(url)!);
    expect(o.requireTLS).toBe(requireTLS);
    expect(o.pool).toBe(true);
  });
});

describe('sending through a local SMTP sink (nodemailer)', () => {
  it('delivers with AUTH to a loopback relay; the text survives encoding', async () => {
    sink = await startSmtpSink();
    const r = await sendMail(
      { host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic', user: 'rekey', pass: 's3cret' },
      msg,
    );
    expect(r.accepted).toEqual(['sec@example.test']);
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]).toMatchObject({
      from: 'rekey@example.test',
      to: ['sec@example.test'],
      auth: { user: 'rekey', pass: 's3cret' },
      tls: false,
      subject: 'Zertifikat läuft ab',
    });
    expect(sink.messages[0]!.text.trim()).toBe('All done.\n.hidden line\n..two dots\nGröße');
  });

  it('upgrades with STARTTLS when required and authenticates inside TLS', async () => {
    const cert = serverCert();
    sink = await startSmtpSink({ tls: { key: cert.keyPem, cert: cert.pem } });
    await sendMail(
      {
        host: 'localhost',
        port: sink.port,
        secure: false,
        starttls: 'required',
        user: 'u',
        pass: 'p',
        tls: { ca: cert.pem },
      },
      msg,
    );
    expect(sink.messages[0]).toMatchObject({ tls: true, auth: { user: 'u', pass: 'p' } });
  });

  it('speaks TLS from the first byte for smtps://', async () => {
    const cert = serverCert();
    sink = await startSmtpSink({ tls: { key: cert.keyPem, cert: cert.pem }, secure: true });
    await sendMail(
      { host: 'localhost', port: sink.port, secure: true, starttls: 'opportunistic', tls: { ca: cert.pem } },
      msg,
    );
    expect(sink.messages[0]).toMatchObject({ tls: true, to: ['sec@example.test'] });
  });

  it('refuses STARTTLS=required when the server does not offer it, and sends nothing', async () => {
    sink = await startSmtpSink();
    await expect(
      sendMail({ host: '127.0.0.1', port: sink.port, secure: false, starttls: 'required', backoffMs: 1 }, msg),
    ).rejects.toMatchObject({ code: 'CONFIG' });
    expect(sink.messages).toHaveLength(0);
  });

  it('keeps the accepted recipients when the server refuses one', async () => {
    sink = await startSmtpSink({ rejectRcpt: (a) => a.startsWith('gone') });
    const r = await sendMail(
      { host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic' },
      { ...msg, to: ['gone@example.test', 'sec@example.test'] },
    );
    expect(r).toMatchObject({ accepted: ['sec@example.test'], rejected: ['gone@example.test'] });
    expect(sink.messages[0]!.to).toEqual(['sec@example.test']);
  });

  it('retries a temporary failure (4xx) with backoff and delivers once', async () => {
    sink = await startSmtpSink();
    sink.failNext(2, 451);
    await sendMail({ host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic', backoffMs: 5 }, msg);
    expect(sink.messages).toHaveLength(1);
  });

  it('gives up after its attempts, and never retries a permanent refusal (5xx)', async () => {
    sink = await startSmtpSink();
    sink.failNext(5, 451);
    await expect(
      sendMail({ host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic', backoffMs: 5 }, msg),
    ).rejects.toThrow(/failed after 3 attempts.*451/);
    sink.failNext(1, 554);
    await expect(
      sendMail({ host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic', backoffMs: 5 }, msg),
    ).rejects.toThrow(/failed: .*554/);
    // The 554 was consumed by the first attempt only: the next message goes through.
    await sendMail({ host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic' }, msg);
    expect(sink.messages).toHaveLength(1);
  });

  it('retries a relay that is not listening, then reports it', async () => {
    const closed = await startSmtpSink();
    const port = closed.port;
    await closed.close();
    await expect(
      sendMail({ host: '127.0.0.1', port, secure: false, starttls: 'opportunistic', backoffMs: 5, attempts: 2 }, msg),
    ).rejects.toThrow(/failed after 2 attempts/);
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNECTION' }))).toBe(true);
  });

  it('reuses pooled connections for several messages', async () => {
    sink = await startSmtpSink();
    const o = { host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic' } as const;
    for (let i = 0; i < 4; i++) await sendMail(o, { ...msg, subject: `n${i}` });
    expect(sink.messages.map((m) => m.subject)).toEqual(['n0', 'n1', 'n2', 'n3']);
    expect(sink.connections).toBe(1);
  });
});
