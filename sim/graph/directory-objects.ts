// Handlers for applications, servicePrincipals (incl. addKey/removeKey, addPassword/removePassword in
// password-credentials.ts, federatedIdentityCredentials in federated-credentials.ts, and app role assignments), organization and the tenant default app management policy.
import crypto from 'node:crypto';
import type {
  ApplicationRecord,
  KeyCredentialRecord,
  ServicePrincipalRecord,
  TenantRecord,
} from '../directory/directory';
import type { HttpResult } from '../entra/aad-error';
import type { SimContext } from '../sim-context';
import {
  badRequest,
  forbidden,
  GraphError,
  noContent,
  notFound,
  ok,
  type GraphCaller,
  type GraphRequest,
} from './graph-http';
import { handleFederatedCredentials } from './federated-credentials';
import { addPassword, removePassword } from './password-credentials';
import { replaceKeyCredentials, buildNewKeyCredential, verifyProof, type CredentialOwnerInfo } from './key-credentials';
import { evaluateFilter, filterProperties, parseFilter } from './odata-filter';
import { paginate } from './paging';
import { RULES, allows, requireRule } from './permissions';
import { parseLockConfiguration, requireKeyChangeAllowed, requirePasswordChangeAllowed } from './instance-lock';
import {
  appRoleAssignmentJson,
  applicationJson,
  keyCredentialJson,
  organizationJson,
  parseSelect,
  project,
  servicePrincipalJson,
} from './serialize';

type Kind = 'applications' | 'servicePrincipals';

function metadata(ctx: SimContext, req: GraphRequest): string {
  return `https://${ctx.config.graphHost}/${req.version}/$metadata`;
}

const FILTERABLE: Record<Kind, Set<string>> = {
  applications: new Set([
    'appId',
    'displayName',
    'id',
    'identifierUris',
    'keyCredentials',
    'publisherDomain',
    'signInAudience',
    'tags',
    'createdDateTime',
    'web',
  ]),
  servicePrincipals: new Set([
    'appId',
    'displayName',
    'id',
    'servicePrincipalNames',
    'servicePrincipalType',
    'tags',
    'keyCredentials',
    'appOwnerOrganizationId',
    'accountEnabled',
    'appDisplayName',
  ]),
};

const TYPE_NAME: Record<Kind, string> = { applications: 'application', servicePrincipals: 'servicePrincipal' };

function toJson(
  kind: Kind,
  rec: ApplicationRecord | ServicePrincipalRecord,
  includeKey: boolean,
): Record<string, unknown> {
  return kind === 'applications'
    ? applicationJson(rec as ApplicationRecord, includeKey)
    : servicePrincipalJson(rec as ServicePrincipalRecord, includeKey);
}

function isSelf(caller: GraphCaller, kind: Kind, rec: ApplicationRecord | ServicePrincipalRecord): boolean {
  if (!caller.token.isAppOnly) return false;
  return kind === 'applications'
    ? caller.token.appId === rec.appId
    : caller.token.oid === rec.id || caller.token.appId === rec.appId;
}

function owners(ctx: SimContext, kind: Kind, rec: ApplicationRecord | ServicePrincipalRecord): string[] {
  if (kind === 'applications') return (rec as ApplicationRecord).owners;
  const app = ctx.directory.appsByAppId.get(rec.appId);
  // The service principal of another tenant's (multi-tenant) application has owners of its own.
  if (app && app.tenantId !== rec.tenantId) return (rec as ServicePrincipalRecord).owners ?? [];
  return app ? app.owners : [];
}

function requireWrite(
  ctx: SimContext,
  caller: GraphCaller,
  kind: Kind,
  rec: ApplicationRecord | ServicePrincipalRecord,
): void {
  requireRule(caller, kind === 'applications' ? RULES.writeApp : RULES.writeSp, owners(ctx, kind, rec));
}

function requireDelete(
  ctx: SimContext,
  caller: GraphCaller,
  kind: Kind,
  rec: ApplicationRecord | ServicePrincipalRecord,
): void {
  requireRule(caller, kind === 'applications' ? RULES.writeApp : RULES.deleteSp, owners(ctx, kind, rec));
}

function requireKeyRoll(
  ctx: SimContext,
  caller: GraphCaller,
  kind: Kind,
  rec: ApplicationRecord | ServicePrincipalRecord,
): void {
  // "An application doesn't need any specific permission to roll its own keys." (application-addkey)
  if (isSelf(caller, kind, rec)) return;
  requireRule(caller, RULES.rollKeys, owners(ctx, kind, rec));
}

/** Resolves `/applications/{id}` or `/applications(appId='…')`. */
function findObject(
  tenant: TenantRecord,
  kind: Kind,
  key: { id?: string; appId?: string },
): ApplicationRecord | ServicePrincipalRecord {
  const coll = kind === 'applications' ? tenant.applications : tenant.servicePrincipals;
  const byApp = kind === 'applications' ? tenant.appsByAppId : tenant.spsByAppId;
  if (key.appId !== undefined) {
    const rec = byApp.get(key.appId.toLowerCase());
    if (!rec) throw notFound(key.appId);
    return rec;
  }
  const id = (key.id ?? '').toLowerCase();
  if (!/^[0-9a-f-]{36}$/.test(id)) throw badRequest(`Invalid object identifier '${key.id ?? ''}'.`);
  const rec = coll.get(id);
  if (!rec) throw notFound(key.id ?? '');
  return rec;
}

function listObjects(ctx: SimContext, caller: GraphCaller, req: GraphRequest, kind: Kind): HttpResult {
  requireRule(caller, RULES.readApps);
  const coll = kind === 'applications' ? caller.tenant.applications : caller.tenant.servicePrincipals;
  const first = coll.values().next().value as ApplicationRecord | ServicePrincipalRecord | undefined;
  const sample = first
    ? toJson(kind, first, false)
    : toJson(kind, kind === 'applications' ? dummyApp() : dummySp(), false);
  const select = parseSelect(req.query.get('$select'), sample, TYPE_NAME[kind]);
  const includeKey = select?.includes('keyCredentials') ?? false;
  const rawFilter = req.query.get('$filter');
  let items: (ApplicationRecord | ServicePrincipalRecord)[];
  if (rawFilter) {
    const filter = parseFilter(rawFilter);
    for (const p of filterProperties(filter)) {
      if (!FILTERABLE[kind].has(p)) {
        throw badRequest(
          `Unsupported or invalid query filter clause specified for property '${p}' of resource '${TYPE_NAME[kind] === 'application' ? 'Application' : 'ServicePrincipal'}'.`,
          'Request_UnsupportedQuery',
        );
      }
    }
    // Fast path for the common `appId eq '…'`.
    if (
      filter.kind === 'cmp' &&
      filter.op === 'eq' &&
      filter.path.length === 1 &&
      filter.path[0] === 'appId' &&
      typeof filter.value === 'string'
    ) {
      const byApp = kind === 'applications' ? caller.tenant.appsByAppId : caller.tenant.spsByAppId;
      const one = byApp.get(filter.value.toLowerCase());
      items = one ? [one] : [];
    } else {
      items = [...coll.values()].filter((rec) => evaluateFilter(filter, toJson(kind, rec, false)));
    }
  } else {
    items = [...coll.values()];
  }
  // Replicas serve what they have: objects not yet replicated are missing, others may be stale.
  items = items.map((rec) => ctx.replication.view(rec)).filter((rec) => rec !== null);
  const { page, next } = paginate(req, items, ctx.config.defaultPageSize, 999);
  const context = select ? `${metadata(ctx, req)}#${kind}(${select.join(',')})` : `${metadata(ctx, req)}#${kind}`;
  const body: Record<string, unknown> = { '@odata.context': context };
  if (req.query.get('$count') === 'true') body['@odata.count'] = items.length;
  if (next) body['@odata.nextLink'] = next;
  body.value = page.map((rec) => project(toJson(kind, rec, includeKey), select));
  return ok(body);
}

let dummyAppCache: ApplicationRecord | null = null;
function dummyApp(): ApplicationRecord {
  dummyAppCache ??= {
    id: '',
    appId: '',
    tenantId: '',
    displayName: '',
    description: null,
    notes: null,
    createdDateTime: new Date(0).toISOString(),
    signInAudience: '',
    publisherDomain: null,
    identifierUris: [],
    tags: [],
    keyCredentials: [],
    passwordCredentials: [],
    requiredResourceAccess: [],
    appRoles: [],
    web: { redirectUris: [], homePageUrl: null, logoutUrl: null },
    owners: [],
  };
  return dummyAppCache;
}
let dummySpCache: ServicePrincipalRecord | null = null;
function dummySp(): ServicePrincipalRecord {
  dummySpCache ??= {
    id: '',
    appId: '',
    tenantId: '',
    displayName: '',
    appDisplayName: '',
    appDescription: null,
    appOwnerOrganizationId: '',
    accountEnabled: true,
    servicePrincipalType: '',
    servicePrincipalNames: [],
    appRoles: [],
    appRoleAssignmentRequired: false,
    keyCredentials: [],
    passwordCredentials: [],
    tags: [],
    notes: null,
    replyUrls: [],
    simCreatedDateTime: new Date(0).toISOString(),
  };
  return dummySpCache;
}

function getObject(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  kind: Kind,
  rec: ApplicationRecord | ServicePrincipalRecord,
): HttpResult {
  if (!isSelf(caller, kind, rec)) requireRule(caller, RULES.readApps);
  const full = toJson(kind, rec, false);
  const select = parseSelect(req.query.get('$select'), full, TYPE_NAME[kind]);
  // keyCredentials[].key is returned only when keyCredentials is explicitly $selected.
  const json = select?.includes('keyCredentials') ? toJson(kind, rec, true) : full;
  const context = select
    ? `${metadata(ctx, req)}#${kind}(${select.join(',')})/$entity`
    : `${metadata(ctx, req)}#${kind}/$entity`;
  return ok({ '@odata.context': context, ...project(json, select) });
}

function requireBodyObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('Empty Payload. JSON content expected.', 'BadRequest');
  return body as Record<string, unknown>;
}

function ownerInfo(kind: Kind, rec: ApplicationRecord | ServicePrincipalRecord): CredentialOwnerInfo {
  return {
    kind: kind === 'applications' ? 'application' : 'servicePrincipal',
    createdDateTime:
      kind === 'applications'
        ? (rec as ApplicationRecord).createdDateTime
        : (rec as ServicePrincipalRecord).simCreatedDateTime,
  };
}

const APP_PATCHABLE = new Set([
  'displayName',
  'description',
  'notes',
  'tags',
  'keyCredentials',
  'passwordCredentials',
  'requiredResourceAccess',
  'signInAudience',
  'web',
  'identifierUris',
  'appRoles',
  'servicePrincipalLockConfiguration',
]);
const SP_PATCHABLE = new Set([
  'displayName',
  'accountEnabled',
  'tags',
  'notes',
  'keyCredentials',
  'passwordCredentials',
  'appRoleAssignmentRequired',
  'description',
  'homepage',
  'replyUrls',
]);

function patchPasswordCredentials(rec: ApplicationRecord | ServicePrincipalRecord, value: unknown): void {
  if (!Array.isArray(value)) throw badRequest("Invalid value for property 'passwordCredentials'.");
  const keep = new Map(rec.passwordCredentials.map((c) => [c.keyId, c]));
  const next = [];
  for (const item of value) {
    const keyId = item && typeof item === 'object' ? (item as Record<string, unknown>).keyId : undefined;
    const cur = typeof keyId === 'string' ? keep.get(keyId.toLowerCase()) : undefined;
    if (!cur) throw badRequest('New password credentials must be generated using service actions.');
    next.push(cur);
  }
  rec.passwordCredentials = next;
}

function applyPatch(
  ctx: SimContext,
  caller: GraphCaller,
  kind: Kind,
  rec: ApplicationRecord | ServicePrincipalRecord,
  body: Record<string, unknown>,
): void {
  const allowed = kind === 'applications' ? APP_PATCHABLE : SP_PATCHABLE;
  for (const k of Object.keys(body)) {
    if (k.startsWith('@odata.')) continue;
    if (!allowed.has(k)) {
      throw badRequest(`Property '${k}' is read-only or does not exist on type 'microsoft.graph.${TYPE_NAME[kind]}'.`);
    }
  }
  // Validate everything before mutating, so a failed PATCH changes nothing.
  const newKeys: KeyCredentialRecord[] | undefined =
    'keyCredentials' in body
      ? replaceKeyCredentials(
          rec.keyCredentials,
          body.keyCredentials,
          ownerInfo(kind, rec),
          caller.tenant.policy,
          ctx.now(),
        )
      : undefined;
  if (kind === 'servicePrincipals') {
    if (newKeys) requireKeyChangeAllowed(ctx, rec as ServicePrincipalRecord, rec.keyCredentials, newKeys);
    if ('passwordCredentials' in body) requirePasswordChangeAllowed(ctx, rec as ServicePrincipalRecord);
  }
  const lock =
    kind === 'applications' && 'servicePrincipalLockConfiguration' in body
      ? parseLockConfiguration(body.servicePrincipalLockConfiguration)
      : undefined;
  if ('passwordCredentials' in body) patchPasswordCredentials(rec, body.passwordCredentials);
  if (newKeys) rec.keyCredentials = newKeys;
  if (lock !== undefined) (rec as ApplicationRecord).servicePrincipalLockConfiguration = lock;
  if (typeof body.displayName === 'string') rec.displayName = body.displayName;
  if ('tags' in body && Array.isArray(body.tags))
    rec.tags = body.tags.filter((t): t is string => typeof t === 'string');
  if ('notes' in body) rec.notes = typeof body.notes === 'string' ? body.notes : null;
  if (kind === 'applications') {
    const app = rec as ApplicationRecord;
    if ('description' in body) app.description = typeof body.description === 'string' ? body.description : null;
    if (typeof body.signInAudience === 'string') app.signInAudience = body.signInAudience;
    if (Array.isArray(body.requiredResourceAccess))
      app.requiredResourceAccess = body.requiredResourceAccess as ApplicationRecord['requiredResourceAccess'];
    if (Array.isArray(body.identifierUris))
      app.identifierUris = body.identifierUris.filter((t): t is string => typeof t === 'string');
    if (Array.isArray(body.appRoles)) app.appRoles = body.appRoles as ApplicationRecord['appRoles'];
    if (body.web && typeof body.web === 'object') {
      const web = body.web as Record<string, unknown>;
      if (Array.isArray(web.redirectUris))
        app.web.redirectUris = web.redirectUris.filter((t): t is string => typeof t === 'string');
    }
  } else {
    const sp = rec as ServicePrincipalRecord;
    if (typeof body.accountEnabled === 'boolean') sp.accountEnabled = body.accountEnabled;
    if (typeof body.appRoleAssignmentRequired === 'boolean')
      sp.appRoleAssignmentRequired = body.appRoleAssignmentRequired;
  }
  ctx.directory.touch();
}

function createApplication(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  uniqueName: string | null = null,
): HttpResult {
  requireRule(caller, RULES.createApp);
  const body = requireBodyObject(req.body);
  if (typeof body.displayName !== 'string' || !body.displayName.trim()) {
    throw badRequest("Invalid value specified for property 'displayName' of resource 'Application'.");
  }
  const info: CredentialOwnerInfo = { kind: 'application', createdDateTime: new Date(ctx.now()).toISOString() };
  const keys = Array.isArray(body.keyCredentials)
    ? body.keyCredentials.map((k) => buildNewKeyCredential(k, info, caller.tenant.policy, ctx.now()))
    : [];
  if (Array.isArray(body.passwordCredentials) && body.passwordCredentials.length > 0)
    throw badRequest('New password credentials must be generated using service actions.');
  const app = ctx.directory.createApplication(caller.tenant, {
    uniqueName,
    displayName: body.displayName,
    signInAudience: typeof body.signInAudience === 'string' ? body.signInAudience : 'AzureADMyOrg',
    keyCredentials: keys,
    requiredResourceAccess: Array.isArray(body.requiredResourceAccess)
      ? (body.requiredResourceAccess as ApplicationRecord['requiredResourceAccess'])
      : [],
    tags: Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [],
    description: typeof body.description === 'string' ? body.description : null,
    notes: typeof body.notes === 'string' ? body.notes : null,
    createdDateTime: info.createdDateTime,
    // The caller (service principal, or the signed-in user of a delegated call) owns what it creates.
    owners: [caller.token.oid],
    redirectUris:
      body.web && typeof body.web === 'object' && Array.isArray((body.web as Record<string, unknown>).redirectUris)
        ? ((body.web as Record<string, unknown>).redirectUris as unknown[]).filter(
            (t): t is string => typeof t === 'string',
          )
        : [],
  });
  ctx.replication.recordWrite(app.id, null, app.keyCredentials);
  return ok({ '@odata.context': `${metadata(ctx, req)}#applications/$entity`, ...applicationJson(app, false) }, 201, {
    location: `https://${ctx.config.graphHost}/v2/${caller.tenant.id}/directoryObjects/${app.id}/Microsoft.DirectoryServices.Application`,
  });
}

function createServicePrincipal(ctx: SimContext, caller: GraphCaller, req: GraphRequest): HttpResult {
  const body = requireBodyObject(req.body);
  const appId = typeof body.appId === 'string' ? body.appId.toLowerCase() : '';
  const app = ctx.directory.appsByAppId.get(appId);
  // A just-created application is not found until it has replicated (the documented retry case).
  if (
    !appId ||
    !app ||
    !ctx.replication.exists(app.id) ||
    (app.signInAudience === 'AzureADMyOrg' && app.tenantId !== caller.tenant.id)
  ) {
    throw badRequest(
      `The appId '${String(body.appId ?? '')}' of the service principal does not reference a valid application object.`,
      'Request_BadRequest',
    );
  }
  if (!allows(caller, RULES.writeSp, app.owners)) throw forbidden();
  if (caller.tenant.spsByAppId.has(appId)) {
    throw new GraphError(
      409,
      'Request_MultipleObjectsWithSameKeyValue',
      `The service principal cannot be created, updated, or restored because the service principal name ${appId} is already in use.`,
    );
  }
  const now = new Date(ctx.now()).toISOString();
  const info: CredentialOwnerInfo = { kind: 'servicePrincipal', createdDateTime: now };
  const keys = Array.isArray(body.keyCredentials)
    ? body.keyCredentials.map((k) => buildNewKeyCredential(k, info, caller.tenant.policy, ctx.now()))
    : [];
  const sp = ctx.directory.createServicePrincipal(caller.tenant, appId, {
    keyCredentials: keys,
    tags: Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [],
    accountEnabled: typeof body.accountEnabled === 'boolean' ? body.accountEnabled : true,
    simCreatedDateTime: now,
  });
  ctx.replication.recordWrite(sp.id, null, sp.keyCredentials);
  return ok(
    { '@odata.context': `${metadata(ctx, req)}#servicePrincipals/$entity`, ...servicePrincipalJson(sp, false) },
    201,
  );
}

function addKey(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  kind: Kind,
  rec: ApplicationRecord | ServicePrincipalRecord,
): HttpResult {
  requireKeyRoll(ctx, caller, kind, rec);
  const body = requireBodyObject(req.body);
  if (!body.keyCredential) throw badRequest("The 'keyCredential' parameter is required.");
  verifyProof(body.proof, rec.id, rec.keyCredentials, ctx.config, ctx.now());
  const cred = buildNewKeyCredential(body.keyCredential, ownerInfo(kind, rec), caller.tenant.policy, ctx.now());
  if (rec.keyCredentials.some((c) => c.keyId === cred.keyId)) cred.keyId = crypto.randomUUID();
  if (kind === 'servicePrincipals')
    requireKeyChangeAllowed(ctx, rec as ServicePrincipalRecord, rec.keyCredentials, [...rec.keyCredentials, cred]);
  rec.keyCredentials = [...rec.keyCredentials, cred];
  ctx.directory.touch();
  return ok({
    '@odata.context': `${metadata(ctx, req)}#microsoft.graph.keyCredential`,
    ...keyCredentialJson(cred, false),
  });
}

function removeKey(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  kind: Kind,
  rec: ApplicationRecord | ServicePrincipalRecord,
): HttpResult {
  requireKeyRoll(ctx, caller, kind, rec);
  const body = requireBodyObject(req.body);
  if (typeof body.keyId !== 'string') throw badRequest("The 'keyId' parameter is required.");
  verifyProof(body.proof, rec.id, rec.keyCredentials, ctx.config, ctx.now());
  const keyId = body.keyId.toLowerCase();
  if (!rec.keyCredentials.some((c) => c.keyId === keyId)) throw badRequest('No credentials found to be removed.');
  const remaining = rec.keyCredentials.filter((c) => c.keyId !== keyId);
  if (kind === 'servicePrincipals')
    requireKeyChangeAllowed(ctx, rec as ServicePrincipalRecord, rec.keyCredentials, remaining);
  rec.keyCredentials = remaining;
  ctx.directory.touch();
  return noContent();
}

function assignments(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  sp: ServicePrincipalRecord,
  nav: 'appRoleAssignments' | 'appRoleAssignedTo',
  rest: string[],
): HttpResult {
  const tenant = caller.tenant;
  const side = nav === 'appRoleAssignments' ? 'principalId' : 'resourceId';
  if (rest.length === 0 && req.method === 'GET') {
    requireRule(caller, RULES.readAssignments);
    const all = [...tenant.assignments.values()].filter((a) => a[side] === sp.id);
    const { page, next } = paginate(req, all, 100, 999);
    const body: Record<string, unknown> = {
      '@odata.context': `${metadata(ctx, req)}#servicePrincipals('${sp.id}')/${nav}`,
    };
    if (next) body['@odata.nextLink'] = next;
    body.value = page.map(appRoleAssignmentJson);
    return ok(body);
  }
  if (rest.length === 0 && req.method === 'POST') {
    requireRule(caller, RULES.writeAssignments);
    const body = requireBodyObject(req.body);
    const principalId = String(body.principalId ?? '').toLowerCase();
    const resourceId = String(body.resourceId ?? '').toLowerCase();
    const appRoleId = String(body.appRoleId ?? '').toLowerCase();
    if ((side === 'principalId' ? principalId : resourceId) !== sp.id) {
      throw badRequest(`The ${side} in the request body must match the service principal in the URL.`);
    }
    const principal = tenant.servicePrincipals.get(principalId) ?? tenant.users.get(principalId);
    if (!principal) throw notFound(principalId);
    const resource = tenant.servicePrincipals.get(resourceId);
    if (!resource) throw notFound(resourceId);
    if (!resource.appRoles.some((r) => r.id === appRoleId)) {
      throw badRequest('Permission being assigned was not found on application', 'Request_BadRequest');
    }
    const a = ctx.directory.grantAppRole(tenant, principal, resource, appRoleId);
    return ok(
      {
        '@odata.context': `${metadata(ctx, req)}#servicePrincipals('${sp.id}')/${nav}/$entity`,
        ...appRoleAssignmentJson(a),
      },
      201,
    );
  }
  if (rest.length === 1 && req.method === 'DELETE') {
    requireRule(caller, RULES.writeAssignments);
    const a = tenant.assignments.get(rest[0]!);
    if (!a || a[side] !== sp.id) throw notFound(rest[0]!);
    tenant.assignments.delete(a.id);
    ctx.directory.touch();
    return noContent();
  }
  throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
}

const ENTITY_RE = /^(applications|servicePrincipals)(?:\((?:(appId|uniqueName)=)?'([^']*)'\))?$/i;

/** `Prefer: create-if-missing` (upsert) — https://learn.microsoft.com/en-us/graph/api/application-upsert */
function wantsUpsert(req: GraphRequest): boolean {
  return (req.headers.prefer ?? '').split(',').some((p) => p.trim().toLowerCase() === 'create-if-missing');
}

function findByUniqueName(tenant: TenantRecord, uniqueName: string): ApplicationRecord | undefined {
  for (const app of tenant.applications.values()) if (app.uniqueName === uniqueName) return app;
  return undefined;
}

/** Routes everything under /applications and /servicePrincipals. Returns null if the path is not ours. */
export function handleDirectoryObjects(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  segments: string[],
): HttpResult | null {
  const head = segments[0] ?? '';
  const m = ENTITY_RE.exec(head);
  if (!m) return null;
  const kind: Kind = m[1]!.toLowerCase() === 'applications' ? 'applications' : 'servicePrincipals';
  const keyName = m[2]?.toLowerCase();
  const altKey = m[3];
  let rest = segments.slice(1);
  let rec: ApplicationRecord | ServicePrincipalRecord | null = null;
  if (altKey !== undefined && keyName === 'uniquename') {
    if (kind !== 'applications') throw badRequest(`Property 'uniqueName' is not a key of 'servicePrincipal'.`);
    const found = findByUniqueName(caller.tenant, altKey);
    if (!found) {
      if (rest.length === 0 && req.method === 'PATCH' && wantsUpsert(req))
        return createApplication(ctx, caller, req, altKey);
      throw notFound(altKey);
    }
    rec = found;
  } else if (altKey !== undefined && keyName === 'appid' && kind === 'servicePrincipals') {
    const found = caller.tenant.spsByAppId.get(altKey.toLowerCase());
    if (!found && rest.length === 0 && req.method === 'PATCH' && wantsUpsert(req)) {
      const body = requireBodyObject(req.body);
      return createServicePrincipal(ctx, caller, { ...req, body: { ...body, appId: altKey } });
    }
    rec = findObject(caller.tenant, kind, { appId: altKey });
  } else if (altKey !== undefined) {
    rec = findObject(caller.tenant, kind, keyName === 'appid' ? { appId: altKey } : { id: altKey });
  } else if (rest.length > 0) {
    rec = findObject(caller.tenant, kind, { id: rest[0]! });
    rest = rest.slice(1);
  }
  if (!rec) {
    if (req.method === 'GET') return listObjects(ctx, caller, req, kind);
    if (req.method === 'POST')
      return kind === 'applications' ? createApplication(ctx, caller, req) : createServicePrincipal(ctx, caller, req);
    throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
  }
  if (rest.length === 0) {
    switch (req.method) {
      case 'GET': {
        const seen = ctx.replication.view(rec);
        if (!seen) throw notFound(altKey ?? rec.id);
        return getObject(ctx, caller, req, kind, seen);
      }
      case 'PATCH': {
        requireWrite(ctx, caller, kind, rec);
        const before = rec.keyCredentials;
        applyPatch(ctx, caller, kind, rec, requireBodyObject(req.body));
        ctx.replication.recordWrite(rec.id, before, rec.keyCredentials);
        return noContent();
      }
      case 'DELETE':
        requireDelete(ctx, caller, kind, rec);
        if (kind === 'applications') ctx.directory.deleteApplication(caller.tenant, rec.id);
        else ctx.directory.deleteServicePrincipal(caller.tenant, rec.id);
        return noContent();
      default:
        throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
    }
  }
  const action = rest[0]!.replace(/^microsoft\.graph\./i, '');
  if (kind === 'applications' && action.toLowerCase() === 'federatedidentitycredentials') {
    return handleFederatedCredentials(ctx, caller, req, rec as ApplicationRecord, rest.slice(1));
  }
  if (rest.length === 1 && req.method === 'POST') {
    switch (action.toLowerCase()) {
      case 'addkey':
      case 'removekey': {
        const before = rec.keyCredentials;
        const r =
          action.toLowerCase() === 'addkey'
            ? addKey(ctx, caller, req, kind, rec)
            : removeKey(ctx, caller, req, kind, rec);
        ctx.replication.recordWrite(rec.id, before, rec.keyCredentials);
        return r;
      }
      case 'addpassword':
      case 'removepassword': {
        // An app instance property lock on a foreign app's service principal covers its secrets too.
        const lockGuard =
          kind === 'servicePrincipals'
            ? () => requirePasswordChangeAllowed(ctx, rec as ServicePrincipalRecord)
            : undefined;
        return action.toLowerCase() === 'addpassword'
          ? addPassword(ctx, caller, req, rec, owners(ctx, kind, rec), lockGuard)
          : removePassword(ctx, caller, req, rec, owners(ctx, kind, rec), lockGuard);
      }
      default:
        break;
    }
  }
  if (kind === 'servicePrincipals' && (action === 'appRoleAssignments' || action === 'appRoleAssignedTo')) {
    return assignments(ctx, caller, req, rec as ServicePrincipalRecord, action, rest.slice(1));
  }
  if (action === 'owners' && req.method === 'GET') {
    requireRule(caller, RULES.readApps);
    const value = owners(ctx, kind, rec).flatMap((id) => {
      const sp = caller.tenant.servicePrincipals.get(id);
      if (sp) return [{ '@odata.type': '#microsoft.graph.servicePrincipal', ...servicePrincipalJson(sp, false) }];
      const user = caller.tenant.users.get(id);
      return user
        ? [
            {
              '@odata.type': '#microsoft.graph.user',
              id: user.id,
              displayName: user.displayName,
              userPrincipalName: user.userPrincipalName,
            },
          ]
        : [];
    });
    return ok({ '@odata.context': `${metadata(ctx, req)}#directoryObjects`, value });
  }
  throw badRequest(`Resource not found for the segment '${rest[0]}'.`, 'BadRequest');
}

export function handleOrganization(
  ctx: SimContext,
  caller: GraphCaller,
  req: GraphRequest,
  segments: string[],
): HttpResult {
  if (req.method !== 'GET')
    throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
  requireRule(caller, RULES.readOrg);
  const org = organizationJson(caller.tenant);
  const select = parseSelect(req.query.get('$select'), org, 'organization');
  if (segments.length > 1) {
    if (segments[1]!.toLowerCase() !== caller.tenant.id) throw notFound(segments[1]!);
    return ok({ '@odata.context': `${metadata(ctx, req)}#organization/$entity`, ...project(org, select) });
  }
  return ok({
    '@odata.context': `${metadata(ctx, req)}#organization${select ? `(${select.join(',')})` : ''}`,
    value: [project(org, select)],
  });
}

export function handlePolicy(ctx: SimContext, caller: GraphCaller, req: GraphRequest): HttpResult {
  const policy = caller.tenant.policy;
  if (req.method === 'GET') {
    requireRule(caller, RULES.readPolicy);
    return ok({ '@odata.context': `${metadata(ctx, req)}#policies/defaultAppManagementPolicy/$entity`, ...policy });
  }
  if (req.method === 'PATCH') {
    requireRule(caller, RULES.writePolicy);
    const body = requireBodyObject(req.body);
    if (typeof body.isEnabled === 'boolean') policy.isEnabled = body.isEnabled;
    if (typeof body.displayName === 'string') policy.displayName = body.displayName;
    if (typeof body.description === 'string') policy.description = body.description;
    for (const key of ['applicationRestrictions', 'servicePrincipalRestrictions'] as const) {
      const v = body[key];
      if (v && typeof v === 'object') {
        const r = v as Record<string, unknown>;
        if (Array.isArray(r.keyCredentials))
          policy[key].keyCredentials = r.keyCredentials as typeof policy.applicationRestrictions.keyCredentials;
        if (Array.isArray(r.passwordCredentials))
          policy[key].passwordCredentials =
            r.passwordCredentials as typeof policy.applicationRestrictions.passwordCredentials;
      }
    }
    ctx.directory.touch();
    return noContent();
  }
  throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
}
