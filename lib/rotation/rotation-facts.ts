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
}

export function readFacts(json: unknown): RotationFacts {
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as RotationFacts) : {};
}

export function mergeFacts(base: RotationFacts, patch: Partial<RotationFacts> | undefined): RotationFacts {
  return patch ? { ...base, ...patch } : base;
}
