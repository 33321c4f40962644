// Everything a request handler needs, passed explicitly (no module-level state), so several
// simulators can run in one process (tests) without sharing anything.
import type { KeyObject } from 'node:crypto';
import type { Directory } from './directory/directory';
import type { Replication } from './directory/replication';
import type { FaultInjector } from './faults/fault-injector';
import type { Throttler } from './throttle/throttler';

export interface CloudHosts {
  /** Entra login host the simulator impersonates, e.g. login.microsoftonline.com or login.microsoftonline.us. */
  loginHost: string;
  /** Graph host, e.g. graph.microsoft.com or graph.microsoft.us. */
  graphHost: string;
}

export interface SimConfig extends CloudHosts {
  accessTokenLifetimeSeconds: number;
  /** Allowed clock skew for assertion / token time checks. */
  clockSkewSeconds: number;
  /** Accepted `aud` values of addKey/removeKey proofs. Docs say 00000002-…; one doc version said 00000003-… */
  proofAudiences: string[];
  /** Default page size of application / servicePrincipal lists. */
  defaultPageSize: number;
  /**
   * How sign-in logs write servicePrincipalCredentialThumbprint. Microsoft does not document the
   * format; `sha1-hex` (uppercase) is the default, the others let tests prove Rekey does not depend on it.
   */
  signInThumbprintFormat: 'sha1-hex' | 'sha1-hex-lower-colons' | 'sha1-base64' | 'sha256-hex';
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** base64 DER of a self-signed cert over the public key (JWKS x5c). */
  x5c: string;
}

export interface SimContext {
  directory: Directory;
  config: SimConfig;
  signingKey: SigningKey;
  throttler: Throttler;
  faults: FaultInjector;
  /** Replication lag of directory writes (stale reads, not-yet-found objects, keys not yet usable). */
  replication: Replication;
  /** Milliseconds since epoch; tests may shift it with `admin.advanceClock`. */
  now(): number;
  log(message: string): void;
}

/** Issuer of v1 access tokens (what Graph tokens carry): sts.windows.net in the public cloud. */
export function accessTokenIssuer(config: CloudHosts, tenantId: string): string {
  const host = config.loginHost === 'login.microsoftonline.com' ? 'sts.windows.net' : config.loginHost;
  return `https://${host}/${tenantId}/`;
}

export function graphResourceUri(config: CloudHosts): string {
  return `https://${config.graphHost}`;
}
