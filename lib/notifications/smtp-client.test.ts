import { afterEach, describe, expect, it } from 'vitest';
import { buildCert } from '@/lib/testing/certs';
import { buildMessage, dotStuff, encodeHeader, sendMail } from '@/lib/notifications/smtp-client';
import { parseSmtpUrl } from '@/lib/notifications/notification-settings';
import { startSmtpSink, type SmtpSink } from '@/lib/notifications/test-servers';

let sink: SmtpSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

const msg = {
  from: 'rekey@example.test',
  to: ['sec@example.test'],
  subject: 'Campaign finished',
  text: 'All done.\n.hidden line\n..two dots',
};

describe('SMTP message building', () => {
  it('dot-stuffs lines that start with a dot and normalises line ends', () => {
    expect(dotStuff('a\n.b\r\n..c\n')).toBe('a\r\n..b\r\n...c\r\n');
  });

  it('encodes non-ASCII subjects and keeps headers on one line', () => {
    expect(encodeHeader('Zertifikat läuft ab')).toBe(
      `=?UTF-8?B?${Buffer.from('Zertifikat läuft ab').toString('base64')}?=`,
    );
    expect(encodeHeader('evil\r\nBcc: x@y')).toBe('evil Bcc: x@y');
  });

  it('sends a non-ASCII body as base64', () => {
    const m = buildMessage({ ...msg, text: 'Größe' });
    expect(m).toContain('Content-Transfer-Encoding: base64');
    expect(m.split('\r\n\r\n')[1]).toBe(Buffer.from('Größe').toString('base64'));
  });
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
});

describe('sending through a local SMTP sink', () => {
  it('delivers with AUTH PLAIN (loopback), dot-stuffing undone by the server', async () => {
    sink = await startSmtpSink();
    const r = await sendMail(
      { host: '127.0.0.1', port: sink.port, secure: false, starttls: 'opportunistic', user: 'rekey', pass: 's3cret' },
      msg,
    );
    expect(r.accepted).toEqual(['sec@example.test']);
    expect(sink.messages).toHaveLength(1);
    const m = sink.messages[0]!;
    expect(m).toMatchObject({
      from: 'rekey@example.test',
      to: ['sec@example.test'],
      auth: { user: 'rekey', pass: 's3cret' },
      tls: false,
    });
    expect(m.data).toContain('Subject: Campaign finished');
    expect(m.data.split('\r\n\r\n')[1]).toBe('All done.\r\n.hidden line\r\n..two dots');
  });

  it('upgrades with STARTTLS when offered and authenticates inside TLS', async () => {
    // lib/testing's leaf certificates are client-auth only; a self-signed CA certificate has no EKU and serves TLS.
    const cert = buildCert({
      subject: 'CN=localhost',
      dnsNames: ['localhost'],
      isCA: true,
      slot: 7,
      notBefore: new Date(Date.now() - 3_600_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    sink = await startSmtpSink({ tls: { key: cert.keyPem, cert: cert.pem } });
    await sendMail(
      {
        host: 'localhost',
        port: sink.port,
        secure: false,
        starttls: 'required',
        user: 'u',
        pass: 'p',
        tls: { ca: cert.pem, host: 'localhost' },
      },
      msg,
    );
    expect(sink.messages[0]).toMatchObject({ tls: true, auth: { user: 'u', pass: 'p' } });
  });

  it('refuses STARTTLS=required when the server does not offer it', async () => {
    sink = await startSmtpSink();
    await expect(
      sendMail({ host: '127.0.0.1', port: sink.port, secure: false, starttls: 'required' }, msg),
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
});
