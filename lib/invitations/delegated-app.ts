/**
 * Rekey's second multi-tenant app, used only for customer self-service rotations (ADR 027): its
 * configuration (REKEY_DELEGATED_*), the delegated Graph permissions it asks for, and MSAL clients
 * (ConfidentialClientApplication with its certificate) on the `organizations` authority.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import type { Env } from '@/lib/env';
import { RekeyError } from '@/lib/errors';
import { redact } from '@/lib/http/redact';

/** What a delegated rotation needs, and the removal of Rekey's own grant at the end. */
export const DELEGATED_PERMISSIONS = [
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'DelegatedPermissionGrant.ReadWrite.All',
] as const;

export interface DelegatedAppConfig {
  clientId: string;
  authorityHost: string;
  graphResource: string;
  certificate: { thumbprintSha256: string; privateKey: string; x5c: string };
}

export function delegatedAppConfigFromEnv(e: Env): DelegatedAppConfig {
  if (!e.REKEY_DELEGATED_CLIENT_ID || !e.REKEY_DELEGATED_CERT_PATH || !e.REKEY_DELEGATED_KEY_PATH) {
    throw new RekeyError(
      'CONFIG',
      'Customer self-service rotation is not configured: set REKEY_DELEGATED_CLIENT_ID, REKEY_DELEGATED_CERT_PATH and REKEY_DELEGATED_KEY_PATH.',
    );
  }
  let cert: crypto.X509Certificate;
  let privateKey: string;
  try {
    cert = new crypto.X509Certificate(fs.readFileSync(e.REKEY_DELEGATED_CERT_PATH, 'utf8'));
    privateKey = crypto
      .createPrivateKey(fs.readFileSync(e.REKEY_DELEGATED_KEY_PATH, 'utf8'))
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
  } catch (err) {
    throw new RekeyError(
      'CONFIG',
      `Cannot read the delegated-rotation app's certificate or key (REKEY_DELEGATED_CERT_PATH / REKEY_DELEGATED_KEY_PATH): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    );
  }
  return {
    clientId: e.REKEY_DELEGATED_CLIENT_ID,
    authorityHost: e.authorityHost,
    graphResource: e.graphResource,
    certificate: {
      thumbprintSha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
      privateKey,
      x5c: cert.raw.toString('base64'),
    },
  };
}

export function delegatedScopes(cfg: Pick<DelegatedAppConfig, 'graphResource'>): string[] {
  return DELEGATED_PERMISSIONS.map((p) => `${cfg.graphResource.replace(/\/+$/, '')}/${p}`);
}

/** A new client each time: its in-memory token cache belongs to one customer sign-in only. */
export function delegatedClient(cfg: DelegatedAppConfig, tenant = 'organizations'): ConfidentialClientApplication {
  const authority = `${cfg.authorityHost.replace(/\/+$/, '')}/${tenant}`;
  return new ConfidentialClientApplication({
    auth: {
      clientId: cfg.clientId,
      authority,
      knownAuthorities: [new URL(authority).host],
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
}
