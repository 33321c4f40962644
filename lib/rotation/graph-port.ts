/**
 * Everything the rotation engine asks of a tenant, as one interface. The production
 * implementation (graph-port-adapter.ts) sits on lib/graph; the engine never imports lib/graph's
 * transport itself, which keeps the wiring explicit and the steps readable. Methods throw
 * RekeyError; `details.transient === true` marks failures worth retrying later (lib/graph sets it
 * for throttling and outages).
 */
import type { ObservedCredential, NewKeyCredential } from '@/lib/graph/describe-key-credential';
import type { CredentialOwner, RequiredResourceAccess } from '@/lib/graph/graph-types';
import type { HeldKey } from '@/lib/graph/choose-credential-path';
import type { InstanceLock } from '@/lib/graph/probe-instance-lock';

export type { ObservedCredential, NewKeyCredential, HeldKey, CredentialOwner, RequiredResourceAccess, InstanceLock };

export interface TenantRef {
  /** Entra tenant id. */
  id: string;
  name?: string;
  /** The tenant's token generation in the database (a cached token of an older one is not used). */
  tokenGeneration?: number;
}

export interface ConnectionRef {
  tenant: TenantRef;
  appId: string;
  /** Application object id; null for a service-principal connector (no application object in the tenant). */
  appObjectId: string | null;
  /**
   * The object holding the connection's credential: the application (default) or, for a vendor's
   * multi-tenant app seen here only as its service principal, the service principal.
   */
  credentialOn?: CredentialOwner;
}

export interface ConnectionView {
  /** null when the application no longer exists. */
  app: {
    id: string;
    appId: string;
    displayName: string | null;
    createdDateTime: string | null;
    requiredResourceAccess: RequiredResourceAccess;
    credentials: ObservedCredential[];
  } | null;
  /** null when the app has no service principal in the tenant. */
  sp: { id: string; credentials: ObservedCredential[] } | null;
}

export interface AppRoleGrant {
  resourceId: string;
  appRoleId: string;
  resourceDisplayName?: string | null;
}

/** How a credential was written: addKey/removeKey with a proof, read-modify-write PATCH, or nothing to do. */
export type AddPath = 'addKey' | 'removeKey' | 'patch' | 'none';

export interface CredentialWrite {
  path: AddPath;
  /** Why that path (e.g. "Rekey holds the private key of the current credential …"). */
  reason: string;
  keyId: string | null;
}

export interface AddCredentialInput {
  on: CredentialOwner;
  objectId: string;
  credential: NewKeyCredential;
  /** Private keys Rekey holds: a valid one on the object allows addKey with a proof, else PATCH. */
  heldKeys: HeldKey[];
  now: Date;
  /** The object's credentials as the step just read them: no second read before the write. */
  known?: ObservedCredential[];
}

export interface RemoveCredentialInput {
  on: CredentialOwner;
  objectId: string;
  keyId: string;
  heldKeys: HeldKey[];
  now: Date;
  known?: ObservedCredential[];
}

export type CredentialCheck =
  | { ok: true }
  | {
      ok: false;
      /** The key is not registered (AADSTS700027): what "old key gone" expects. */
      keyNotRegistered: boolean;
      /** The token endpoint was unreachable: the check says nothing about the key. */
      unavailable: boolean;
      aadsts?: number;
      message: string;
    };

export interface RecreateConnectionInput {
  /**
   * The application's client-provided alternate key (`uniqueName`), the same on every attempt of
   * one rotation: creation is an upsert on it, so a retry after a crash or a lost response finds
   * what the first attempt created — never a display-name search a stale replica could miss.
   */
  uniqueName: string;
  displayName: string;
  requiredResourceAccess: RequiredResourceAccess;
  credential: NewKeyCredential;
}

/** The tenant's default app-management policy, as far as certificate credentials are concerned. */
export interface KeyLifetimePolicy {
  enabled: boolean;
  /** ISO-8601 duration (e.g. P90D) or null when unrestricted. */
  maxLifetime: string | null;
  /** The restriction applies to apps created after this moment only. */
  restrictForAppsCreatedAfter: string | null;
}

/** One service-principal sign-in as the sign-in logs record it (only what the cutover wait needs). */
export interface CredentialSignIn {
  id: string;
  /** ISO time the sign-in happened. */
  at: string;
  ipAddress: string;
  /** errorCode 0: a token was issued. */
  succeeded: boolean;
}

export type CredentialSignIns =
  | { available: true; signIns: CredentialSignIn[] }
  /** The tenant's logs cannot be read (no Entra ID P1/P2, or AuditLog.Read.All missing). */
  | { available: false; message: string };

export interface RotationGraphPort {
  /**
   * Sign-ins of the connector app since `since` that used one credential (its keyId, else its
   * SHA-1): the sign-in logs the sign-in scan reads (beta auditLogs/signIns, reports throttling).
   */
  listCredentialSignIns(
    tenant: TenantRef,
    q: { appId: string; since: Date; keyId?: string; sha1: string },
  ): Promise<CredentialSignIns>;
  /** null when Rekey may not read it (Policy.Read.All missing): the check then warns. */
  keyLifetimePolicy(tenant: TenantRef): Promise<KeyLifetimePolicy | null>;
  readConnection(ref: ConnectionRef): Promise<ConnectionView>;
  /** Application roles the management app holds in the tenant (from its token). */
  grantedRoles(tenant: TenantRef): Promise<string[]>;
  /** Idempotent: a credential with the same thumbprint already there → path 'none'. */
  addCredential(tenant: TenantRef, input: AddCredentialInput): Promise<CredentialWrite>;
  /** Idempotent: already absent → path 'none'. */
  removeCredential(tenant: TenantRef, input: RemoveCredentialInput): Promise<CredentialWrite>;
  /** A fresh token request AS the connector app with this certificate (no MSAL cache). */
  verifyCredential(tenant: TenantRef, appId: string, key: HeldKey): Promise<CredentialCheck>;
  listAppRoleGrants(tenant: TenantRef, spObjectId: string): Promise<AppRoleGrant[]>;
  /** Deletes the application (Entra removes its service principal with it). Idempotent: absent is fine. */
  deleteApplication(tenant: TenantRef, appObjectId: string): Promise<void>;
  /**
   * Creates (or, on a retry, finds and finishes) application + service principal with the
   * certificate, idempotently: `PATCH /applications(uniqueName=…)` and `PATCH
   * /servicePrincipals(appId=…)` with `Prefer: create-if-missing`. `created` is false when an
   * earlier attempt had already created the application. Not yet replicated → transient error.
   */
  createConnection(
    tenant: TenantRef,
    input: RecreateConnectionInput,
  ): Promise<{ appId: string; appObjectId: string; spObjectId: string; created: boolean }>;
  grantAppRole(tenant: TenantRef, spObjectId: string, grant: AppRoleGrant): Promise<void>;
  /**
   * The app instance property lock on a service principal's credentials (the vendor's application
   * holds it, unreadable from this tenant): a credential change that cannot change anything tells.
   */
  instanceLock(tenant: TenantRef, spObjectId: string): Promise<InstanceLock>;
  /** Application.ReadWrite.OwnedBy: is Rekey's service principal an owner of the object holding the credential? */
  ownership(
    tenant: TenantRef,
    target: { on: CredentialOwner; objectId: string },
  ): Promise<{ owner: boolean; servicePrincipalId: string | null; ownerIds: string[] }>;
}
