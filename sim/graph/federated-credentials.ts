// Federated identity credentials of an application (workload identity federation):
// GET/POST /applications/{id}/federatedIdentityCredentials, GET/DELETE …/{id or name}, as the
// "federatedIdentityCredential resource type" page and its method pages document them:
// at most 20 per application; `name` required, ≤ 120 characters, URL friendly, unique in the app,
// immutable; `issuer` and `subject` required, ≤ 600 characters, their combination unique in the app;
// `audiences` required, exactly one value, ≤ 600 characters; `description` ≤ 600. Permissions
// (application): list — Application.Read.All, Application.ReadWrite.OwnedBy, Application.ReadWrite.All;
// get / create / delete — Application.ReadWrite.OwnedBy (as an owner) or Application.ReadWrite.All.
// Writes replicate with lag like every directory write. The exact error codes and texts for the
// limits are not documented (sim/README.md, approximations). Sources: sim/README.md.
import crypto from 'node:crypto';
import type { ApplicationRecord, FederatedIdentityCredentialRecord, TenantRecord } from '../directory/directory';
import type { HttpResult } from '../entra/aad-error';
import type { SimContext } from '../sim-context';
import { badRequest, GraphError, noContent, notFound, ok, type GraphCaller, type GraphRequest } from './graph-http';
import { evaluateFilter, parseFilter } from './odata-filter';
import { RULES, requireRule } from './permissions';
import { parseSelect, project } from './serialize';

export const MAX_FEDERATED_CREDENTIALS = 20;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;
const PROPS = new Set(['name', 'issuer', 'subject', 'audiences', 'description', '@odata.type']);

export function federatedCredentialJson(f: FederatedIdentityCredentialRecord): Record<string, unknown> {
  return {
    audiences: [...f.audiences],
    description: f.description,
    id: f.id,
    issuer: f.issuer,
    name: f.name,
    subject: f.subject,
  };
}

const invalid = (prop: string, message: string): GraphError =>
  badRequest(message, 'Request_BadRequest', [{ code: 'InvalidValue', message, target: prop }]);

function requiredString(o: Record<string, unknown>, prop: string, max: number): string {
  const v = o[prop];
  if (typeof v !== 'string' || !v.trim()) throw invalid(prop, `Property '${prop}' is required.`);
  if (v.length > max) throw invalid(prop, `Property '${prop}' has a limit of ${max} characters.`);
  return v;
}

/** Validates a new federated identity credential against the application's existing ones. */
export function newFederatedCredential(
  existing: readonly FederatedIdentityCredentialRecord[],
  input: unknown,
): FederatedIdentityCredentialRecord {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw badRequest('Empty Payload. JSON content expected.', 'BadRequest');
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!PROPS.has(k))
      throw badRequest(
        `The property '${k}' does not exist on type 'microsoft.graph.federatedIdentityCredential'. Make sure to only use property names that are defined by the type.`,
      );
  }
  const name = requiredString(o, 'name', 120);
  if (!NAME_RE.test(name)) throw invalid('name', `Property 'name' must be URL friendly; '${name}' is not.`);
  const issuer = requiredString(o, 'issuer', 600);
  const subject = requiredString(o, 'subject', 600);
  const audiences = o.audiences;
  if (!Array.isArray(audiences) || audiences.length !== 1 || typeof audiences[0] !== 'string' || !audiences[0])
    throw invalid('audiences', "Property 'audiences' is required and accepts exactly one value.");
  if (audiences[0].length > 600) throw invalid('audiences', "Property 'audiences' has a limit of 600 characters.");
  const description = o.description;
  if (description !== undefined && description !== null && typeof description !== 'string')
    throw invalid('description', "Property 'description' must be a string.");
  if (typeof description === 'string' && description.length > 600)
    throw invalid('description', "Property 'description' has a limit of 600 characters.");
  if (existing.length >= MAX_FEDERATED_CREDENTIALS)
    throw invalid(
      'federatedIdentityCredentials',
      `An application can have at most ${MAX_FEDERATED_CREDENTIALS} federated identity credentials.`,
    );
  if (existing.some((f) => f.name.toLowerCase() === name.toLowerCase()))
    throw new GraphError(
      409,
      'Request_MultipleObjectsWithSameKeyValue',
      `A federated identity credential named '${name}' already exists on the application.`,
    );
  if (existing.some((f) => f.issuer === issuer && f.subject === subject))
    throw new GraphError(
      409,
      'Request_MultipleObjectsWithSameKeyValue',
      'A federated identity credential with the same issuer and subject already exists on the application.',
    );
  return {
    id: crypto.randomUUID(),
    name,
    issuer,
    subject,
    audiences: [audiences[0]],
    description: description ?? null,
  };
}

function metadata(ctx: SimContext, req: GraphRequest, app: ApplicationRecord): string {
  return `https://${ctx.config.graphHost}/${req.version}/$metadata#applications('${app.id}')/federatedIdentityCredentials`;
}

const SAMPLE = federatedCredentialJson({
  id: '',
  name: '',
  issuer: '',
  subject: '',
  audiences: [],
  description: null,
});

/** `rest`: the segments after `federatedIdentityCredentials` (none, or the credential's id or name). */
export function handleFederatedCredentials(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  app: ApplicationRecord,
  rest: string[],
): HttpResult {
  const owners = app.owners;
  // Replicas serve the collection as it was before an unreplicated write.
  const seen = (ctx.replication.view(app) ?? app).federatedIdentityCredentials ?? [];
  if (rest.length === 0 && req.method === 'GET') {
    requireRule(caller, RULES.listFederatedCredentials, owners);
    const select = parseSelect(req.query.get('$select'), SAMPLE, 'federatedIdentityCredential');
    let items = seen.map(federatedCredentialJson);
    const rawFilter = req.query.get('$filter');
    if (rawFilter) {
      const filter = parseFilter(rawFilter);
      items = items.filter((f) => evaluateFilter(filter, f));
    }
    return ok({ '@odata.context': metadata(ctx, req, app), value: items.map((f) => project(f, select)) });
  }
  if (rest.length === 0 && req.method === 'POST') {
    requireRule(caller, RULES.writeFederatedCredentials, owners);
    const before = app.federatedIdentityCredentials ?? [];
    const created = newFederatedCredential(before, req.body);
    app.federatedIdentityCredentials = [...before, created];
    ctx.replication.recordCredentialWrite(app.id, app.keyCredentials, { federatedIdentityCredentials: before });
    ctx.directory.touch();
    return ok({ '@odata.context': `${metadata(ctx, req, app)}/$entity`, ...federatedCredentialJson(created) }, 201);
  }
  if (rest.length === 1) {
    const key = rest[0]!.toLowerCase();
    const match = (f: FederatedIdentityCredentialRecord) => f.id === key || f.name.toLowerCase() === key;
    if (req.method === 'GET') {
      requireRule(caller, RULES.writeFederatedCredentials, owners);
      const found = seen.find(match);
      if (!found) throw notFound(rest[0]!);
      return ok({ '@odata.context': `${metadata(ctx, req, app)}/$entity`, ...federatedCredentialJson(found) });
    }
    if (req.method === 'DELETE') {
      requireRule(caller, RULES.writeFederatedCredentials, owners);
      const before = app.federatedIdentityCredentials ?? [];
      if (!before.some(match)) throw notFound(rest[0]!);
      app.federatedIdentityCredentials = before.filter((f) => !match(f));
      ctx.replication.recordCredentialWrite(app.id, app.keyCredentials, { federatedIdentityCredentials: before });
      ctx.directory.touch();
      return noContent();
    }
  }
  throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
}

/** Control API / SimAdmin: a federated credential added behind Rekey's back (no lag: it stands in for the past). */
export function plantFederatedCredential(
  tenant: TenantRecord,
  input: { appId: string; name: string; issuer: string; subject: string; audiences?: string[]; description?: string },
): FederatedIdentityCredentialRecord {
  const app = tenant.appsByAppId.get(input.appId.toLowerCase());
  if (!app) throw new Error(`no application ${input.appId} in ${tenant.id}`);
  const { appId: _appId, ...body } = input;
  const created = newFederatedCredential(app.federatedIdentityCredentials ?? [], {
    ...body,
    audiences: input.audiences ?? ['api://AzureADTokenExchange'],
  });
  app.federatedIdentityCredentials = [...(app.federatedIdentityCredentials ?? []), created];
  return created;
}
