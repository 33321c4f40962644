/**
 * What a rotation learns and does, kept on `Rotation.facts` (JSON) as evidence: which path added
 * the key and why, key ids, and the credential lists before and after. Each step merges its part.
 */
import type { PlanName } from '@/lib/rotation/machine';
import type { AddPath, AppRoleGrant, ObservedCredential, RequiredResourceAccess } from '@/lib/rotation/graph-port';

export interface CredentialList {
  at: string;
  app: ObservedCredential[];
  sp: ObservedCredential[];
}

export interface RotationFacts {
  plan?: PlanName;
  /** Asked for at start (re-establish by deleting and recreating the connection). */
  recreateRequested?: boolean;
  newSha1?: string;
  oldSha1?: string | null;
  before?: CredentialList;
  after?: CredentialList;
  preflight?: { at: string; roles: string[]; warnings: string[] };
  add?: { at: string; path: AddPath | 'create'; reason: string; keyId: string | null; alreadyPresent: boolean };
  verifyNew?: { at: string; method: 'token' | 'presence'; detail: string };
  removed?: {
    at: string;
    items: { on: string; keyId: string; sha1: string | null; path: AddPath; reason: string }[];
    alreadyAbsent: boolean;
  };
  verifyOldGone?: { at: string; method: 'token' | 'presence'; detail: string };
  snapshot?: {
    at: string;
    appId: string;
    appObjectId: string;
    spObjectId: string | null;
    displayName: string;
    requiredResourceAccess: RequiredResourceAccess;
    grants: AppRoleGrant[];
    source: 'tenant' | 'inventory';
  };
  deleted?: { at: string; appObjectId: string; alreadyAbsent: boolean };
  recreated?: { at: string; appId: string; appObjectId: string; spObjectId: string; adopted: boolean };
  consent?: { at: string; granted: AppRoleGrant[]; alreadyPresent: number };
  rolledBack?: { at: string; removedKeyIds: string[] };
  /** The wait for the vendor's cutover (ADR 022): asked for at start, filled in by await_cutover. */
  cutover?: CutoverFacts;
}

/** A sign-in with the new key, as the run page shows it. */
export interface SeenSignIn {
  at: string;
  ipAddress: string;
  signInId: string;
}

export interface CutoverFacts {
  /** The longest the old key is kept after the new one is verified. */
  hours: number;
  /** When the wait began (the first run of await_cutover, after verify_new). */
  since?: string;
  /** since + hours: the old key is removed then even without a sign-in or a confirmation. */
  until?: string;
  /** An admin confirmed the vendor's service has switched (rotation.cutover_confirmed audit event). */
  confirmed?: { at: string; by: string };
  /** The last look at the sign-in logs. */
  lastCheck?: {
    at: string;
    /** available: read; unavailable: the tenant's logs cannot be read; error: the read failed this time. */
    logs: 'available' | 'unavailable' | 'error';
    detail: string | null;
    /** Successful sign-ins with the new key since the wait began, by where they came from. */
    vendorSignIns: number;
    unknownSignIns: number;
    /** The latest few from outside the vendor's ranges (someone else may hold the new key). */
    unknown: SeenSignIn[];
  };
  /** Why the wait ended. */
  ended?: { at: string; reason: 'vendor_sign_in' | 'confirmed' | 'deadline'; signIn?: SeenSignIn };
}

export function readFacts(json: unknown): RotationFacts {
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as RotationFacts) : {};
}

export function mergeFacts(base: RotationFacts, patch: Partial<RotationFacts> | undefined): RotationFacts {
  return patch ? { ...base, ...patch } : base;
}
