/**
 * What a step handler gets, what it returns, and how it fails. Every handler reads the tenant's
 * actual state before writing, so running it again after a crash changes nothing.
 */
import { RekeyError } from '@/lib/errors';
import type { PlanName, StepName } from '@/lib/rotation/machine';
import type {
  ConnectionRef,
  CredentialOwner,
  ConnectionView,
  HeldKey,
  NewKeyCredential,
  ObservedCredential,
  RequiredResourceAccess,
  RotationGraphPort,
  TenantRef,
} from '@/lib/rotation/graph-port';
import type { CredentialList, RotationFacts } from '@/lib/rotation/rotation-facts';

export interface CertificateInHand {
  id: string;
  sha1: string;
  pem: string;
  notBefore: Date;
  notAfter: Date;
  /** The private key, when Rekey holds it (opened from the vault for this step only). */
  key: HeldKey | null;
}

export interface StepContext {
  rotationId: string;
  plan: PlanName;
  tenant: TenantRef;
  /** The connection as it is now (after a recreate: the new application). */
  connection: ConnectionRef;
  connectorDisplayName: string;
  /** From the connector type: the permissions a recreated connection must get again. */
  requiredResourceAccess: RequiredResourceAccess;
  newCert: CertificateInHand & { credential: NewKeyCredential };
  oldCert: CertificateInHand | null;
  facts: RotationFacts;
  graph: RotationGraphPort;
  now: Date;
  /** What await_cutover needs: the vendor's known ranges (detection.vendorCidrs) and how often to look. */
  cutover: { vendorCidrs: string[]; recheckMs: number };
}

export interface StepSuccess {
  /** One sentence for the step history. */
  message: string;
  facts?: Partial<RotationFacts>;
  /** Preflight may choose the re-establish variant. */
  plan?: PlanName;
  /** After a recreate, the connector row must point at the new application. */
  connection?: { appId: string; appObjectId: string; spObjectId: string | null };
  /**
   * The step's condition is not met yet (await_cutover): the rotation waits, holding no lease, and
   * the step runs again at this time. `message` and `facts` say what it saw.
   */
  waitUntil?: Date;
}

export type StepHandler = (ctx: StepContext) => Promise<StepSuccess>;

/** A failure the step itself recognised (as opposed to a Graph error thrown by the port). */
export class StepFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly transient: boolean,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

export const permanent = (code: string, message: string, detail?: Record<string, unknown>) =>
  new StepFailure(code, message, false, detail);
export const transient = (code: string, message: string, detail?: Record<string, unknown>) =>
  new StepFailure(code, message, true, detail);

export function credentialList(view: ConnectionView, now: Date): CredentialList {
  return { at: now.toISOString(), app: view.app?.credentials ?? [], sp: view.sp?.credentials ?? [] };
}

export function withSha1(creds: ObservedCredential[], sha1: string): ObservedCredential[] {
  return creds.filter((c) => c.sha1 === sha1);
}

/** Credentials that count as "old": the old certificate's, or — when Rekey never knew it — everything but the new one. */
export function oldCredentials(
  creds: ObservedCredential[],
  ctx: Pick<StepContext, 'oldCert' | 'newCert'>,
): ObservedCredential[] {
  return ctx.oldCert
    ? creds.filter((c) => c.sha1 === ctx.oldCert!.sha1)
    : creds.filter((c) => c.sha1 !== ctx.newCert.sha1);
}

export function requireApp(view: ConnectionView, ctx: StepContext, step: StepName): NonNullable<ConnectionView['app']> {
  if (!view.app) {
    throw permanent(
      'APP_NOT_FOUND',
      `The application ${ctx.connection.appId} (${ctx.connectorDisplayName}) no longer exists in tenant ${ctx.tenant.name ?? ctx.tenant.id}, so ${step} cannot run. Start a Re-establish connection rotation to recreate it.`,
    );
  }
  return view.app;
}

/** The object that holds the connection's credential, as read: the application or (service-principal connectors) the service principal. */
export interface CredentialHolder {
  on: CredentialOwner;
  id: string;
  credentials: ObservedCredential[];
  /** "the application" / "the service principal", for messages. */
  label: string;
}

export function holderOf(view: ConnectionView, ctx: Pick<StepContext, 'connection'>): CredentialHolder | null {
  if (ctx.connection.credentialOn === 'servicePrincipal')
    return view.sp
      ? { on: 'servicePrincipal', id: view.sp.id, credentials: view.sp.credentials, label: 'the service principal' }
      : null;
  return view.app
    ? { on: 'application', id: view.app.id, credentials: view.app.credentials, label: 'the application' }
    : null;
}

/** The holder's label before it is read ("the application" unless the connector is a service principal's). */
export function holderLabel(ctx: Pick<StepContext, 'connection'>): string {
  return ctx.connection.credentialOn === 'servicePrincipal' ? 'the service principal' : 'the application';
}

/** Like requireApp, for the object holding the credential. */
export function requireHolder(view: ConnectionView, ctx: StepContext, step: StepName): CredentialHolder {
  if (ctx.connection.credentialOn !== 'servicePrincipal') {
    const app = requireApp(view, ctx, step);
    return { on: 'application', id: app.id, credentials: app.credentials, label: 'the application' };
  }
  const h = holderOf(view, ctx);
  if (!h)
    throw permanent(
      'SERVICE_PRINCIPAL_NOT_FOUND',
      `The service principal of ${ctx.connectorDisplayName} (appId ${ctx.connection.appId}) no longer exists in tenant ${ctx.tenant.name ?? ctx.tenant.id}, so ${step} cannot run. The customer must consent to the vendor's app again.`,
    );
  return h;
}

export function heldKeys(ctx: Pick<StepContext, 'oldCert' | 'newCert'>): HeldKey[] {
  return [ctx.newCert.key, ctx.oldCert?.key ?? null].filter((k): k is HeldKey => k !== null);
}

export function describeError(e: unknown): string {
  return e instanceof RekeyError || e instanceof Error ? e.message : String(e);
}
