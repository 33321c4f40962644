/**
 * The MSAL confidential client used for user sign-in (authorization code + PKCE). It is the
 * management app (REKEY_MGMT_CLIENT_ID with its certificate): one app registration to consent
 * and one credential to rotate. Its registration needs the web redirect URI
 * `<REKEY_PUBLIC_URL>/auth/callback`. Authority: `<authorityHost>/<REKEY_HOME_TENANT>`, or
 * `organizations` when no home tenant is set (then REKEY_ADMINS decides the first admins).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import type { Env } from '@/lib/env';
import { RekeyError } from '@/lib/errors';
import { redact } from '@/lib/http/redact';

export interface SignInConfig {
  clientId: string;
  authority: string;
  /** A GUID when the authority is one tenant; null for `organizations`. */
  homeTenant: string | null;
  certificate: { thumbprintSha256: string; privateKey: string; x5c?: string };
}

export function signInConfigFromEnv(e: Env): SignInConfig {
  if (!e.REKEY_MGMT_CLIENT_ID || !e.REKEY_MGMT_CERT_PATH || !e.REKEY_MGMT_KEY_PATH) {
    throw new RekeyError(
      'CONFIG',
      'Sign-in is not configured: set REKEY_MGMT_CLIENT_ID, REKEY_MGMT_CERT_PATH and REKEY_MGMT_KEY_PATH (or run `npm start` without them to use the simulator).',
    );
  }
  let certPem: string;
  let keyPem: string;
  try {
    certPem = fs.readFileSync(e.REKEY_MGMT_CERT_PATH, 'utf8');
    keyPem = fs.readFileSync(e.REKEY_MGMT_KEY_PATH, 'utf8');
  } catch (err) {
    throw new RekeyError(
      'CONFIG',
      `Cannot read the management app certificate or key: ${(err as NodeJS.ErrnoException).code ?? 'error'} (check REKEY_MGMT_CERT_PATH / REKEY_MGMT_KEY_PATH).`,
    );
  }
  let cert: crypto.X509Certificate;
  let privateKey: string;
  try {
    cert = new crypto.X509Certificate(certPem);
    privateKey = crypto.createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch {
    throw new RekeyError(
      'CONFIG',
      'REKEY_MGMT_CERT_PATH must hold a PEM certificate and REKEY_MGMT_KEY_PATH its PEM private key.',
    );
  }
  const tenant = e.REKEY_HOME_TENANT ?? 'organizations';
  return {
    clientId: e.REKEY_MGMT_CLIENT_ID,
    authority: `${e.authorityHost}/${tenant}`,
    homeTenant: e.REKEY_HOME_TENANT ?? null,
    certificate: {
      thumbprintSha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
      privateKey,
      x5c: cert.raw.toString('base64'),
    },
  };
}

const clients = new Map<string, ConfidentialClientApplication>();

export function signInClient(cfg: SignInConfig): ConfidentialClientApplication {
  const key = `${cfg.clientId}|${cfg.authority}|${cfg.certificate.thumbprintSha256}`;
  let cca = clients.get(key);
  if (!cca) {
    cca = new ConfidentialClientApplication({
      auth: {
        clientId: cfg.clientId,
        authority: cfg.authority,
        // Trust this host's own metadata (national clouds, the simulator): no instance discovery.
        knownAuthorities: [new URL(cfg.authority).host],
        clientCertificate: cfg.certificate,
      },
      system: {
        loggerOptions: {
          logLevel: LogLevel.Warning,
          piiLoggingEnabled: false,
          loggerCallback: (level, message) => {
            if (level <= LogLevel.Error) process.stderr.write(`[rekey] msal: ${redact(message)}\n`);
          },
        },
      },
    });
    clients.set(key, cca);
  }
  return cca;
}
