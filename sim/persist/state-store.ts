// Persists the directory to `<dataDir>/state.json` (debounced, atomic rename) so a restarted simulator
// keeps the credentials Rekey changed. Certificates are stored once in a pool (fleets share them).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {
  ApplicationRecord,
  AppRoleAssignmentRecord,
  Directory,
  KeyCredentialRecord,
  OAuth2PermissionGrantRecord,
  ServicePrincipalRecord,
  TenantRecord,
  UserRecord,
} from '../directory/directory';

interface StoredKeyCredential extends Omit<KeyCredentialRecord, 'key' | 'customKeyIdentifier'> {
  customKeyIdentifier: string | null;
  keyRef: string | null;
}

type StoredTenant = Omit<
  TenantRecord,
  | 'applications'
  | 'appsByAppId'
  | 'servicePrincipals'
  | 'spsByAppId'
  | 'assignments'
  | 'users'
  | 'usersByUpn'
  | 'oauth2PermissionGrants'
> & {
  /** Absent in state files written before delegated grants existed. */
  oauth2PermissionGrants?: unknown[];
  applications: unknown[];
  servicePrincipals: unknown[];
  assignments: unknown[];
  users: unknown[];
};

interface StoredState {
  format: 'rekey-sim-state';
  version: 1;
  savedAt: string;
  certificates: Record<string, string>;
  tenants: StoredTenant[];
}

const SIGN_INS_PERSISTED = 500;

export function serializeDirectory(directory: Directory): StoredState {
  const pool: Record<string, string> = {};
  const keys = (list: KeyCredentialRecord[]): StoredKeyCredential[] =>
    list.map((c) => {
      let keyRef: string | null = null;
      if (c.key) {
        keyRef = crypto.createHash('sha256').update(c.key).digest('hex');
        pool[keyRef] ??= c.key.toString('base64');
      }
      const { key: _key, customKeyIdentifier, ...rest } = c;
      return {
        ...rest,
        customKeyIdentifier: customKeyIdentifier ? customKeyIdentifier.toString('base64') : null,
        keyRef,
      };
    });
  const tenants: StoredTenant[] = [];
  for (const t of directory.tenants.values()) {
    tenants.push({
      id: t.id,
      displayName: t.displayName,
      domain: t.domain,
      region: t.region,
      countryLetterCode: t.countryLetterCode,
      premium: t.premium,
      size: t.size,
      createdDateTime: t.createdDateTime,
      policy: t.policy,
      applications: [...t.applications.values()].map((a) => ({ ...a, keyCredentials: keys(a.keyCredentials) })),
      servicePrincipals: [...t.servicePrincipals.values()].map((s) => ({
        ...s,
        keyCredentials: keys(s.keyCredentials),
      })),
      assignments: [...t.assignments.values()],
      users: [...t.users.values()],
      oauth2PermissionGrants: [...t.oauth2PermissionGrants.values()],
      signIns: t.signIns.slice(-SIGN_INS_PERSISTED),
    });
  }
  return { format: 'rekey-sim-state', version: 1, savedAt: new Date().toISOString(), certificates: pool, tenants };
}

export function loadDirectory(directory: Directory, state: StoredState): void {
  const buffers = new Map<string, Buffer>();
  const buf = (ref: string | null): Buffer | null => {
    if (!ref) return null;
    let b = buffers.get(ref);
    if (!b) {
      const b64 = state.certificates[ref];
      if (!b64) return null;
      b = Buffer.from(b64, 'base64');
      buffers.set(ref, b);
    }
    return b;
  };
  const keys = (list: StoredKeyCredential[]): KeyCredentialRecord[] =>
    list.map(({ keyRef, customKeyIdentifier, ...rest }) => ({
      ...rest,
      customKeyIdentifier: customKeyIdentifier ? Buffer.from(customKeyIdentifier, 'base64') : null,
      key: buf(keyRef),
    }));
  const saved = directory.onChange;
  directory.onChange = null;
  directory.clear();
  for (const st of state.tenants) {
    const tenant = directory.createTenant({
      id: st.id,
      displayName: st.displayName,
      domain: st.domain,
      region: st.region,
      countryLetterCode: st.countryLetterCode,
      premium: st.premium,
      size: st.size,
      createdDateTime: st.createdDateTime,
    });
    tenant.policy = st.policy;
    tenant.servicePrincipals.clear();
    tenant.spsByAppId.clear();
    for (const raw of st.applications as (Omit<ApplicationRecord, 'keyCredentials'> & {
      keyCredentials: StoredKeyCredential[];
    })[]) {
      const app = { ...raw, keyCredentials: keys(raw.keyCredentials) };
      tenant.applications.set(app.id, app);
      tenant.appsByAppId.set(app.appId, app);
      directory.appsByAppId.set(app.appId, app);
    }
    for (const raw of st.servicePrincipals as (Omit<ServicePrincipalRecord, 'keyCredentials'> & {
      keyCredentials: StoredKeyCredential[];
    })[]) {
      directory.insertServicePrincipal(tenant, { ...raw, keyCredentials: keys(raw.keyCredentials) });
    }
    for (const a of st.assignments as AppRoleAssignmentRecord[]) tenant.assignments.set(a.id, a);
    for (const u of st.users as UserRecord[]) {
      tenant.users.set(u.id, u);
      tenant.usersByUpn.set(u.userPrincipalName.toLowerCase(), u);
    }
    for (const g of (st.oauth2PermissionGrants ?? []) as OAuth2PermissionGrantRecord[])
      tenant.oauth2PermissionGrants.set(g.id, g);
    tenant.signIns = st.signIns;
  }
  directory.onChange = saved;
}

export function readStateFile(file: string): StoredState | null {
  if (!fs.existsSync(file)) return null;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredState;
  if (parsed.format !== 'rekey-sim-state' || parsed.version !== 1) return null;
  return parsed;
}

/**
 * Debounced writer: at most one write per `debounceMs`, always via temp file + rename. A write is
 * synchronous (one JSON document), so for a large directory (10,000 tenants: ~200 MB, seconds per
 * write on a busy machine) the gap grows to ten times the last write's duration: persisting never
 * takes more than about a tenth of the simulator's time, instead of blocking it most of the time.
 */
export class StateStore {
  private timer: NodeJS.Timeout | null = null;
  private lastWritten = -1;
  private gapMs: number;

  constructor(
    readonly file: string,
    private readonly directory: Directory,
    private readonly debounceMs = 1000,
  ) {
    this.gapMs = debounceMs;
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.gapMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.directory.version === this.lastWritten) return;
    this.lastWritten = this.directory.version;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const started = Date.now();
    fs.writeFileSync(tmp, JSON.stringify(serializeDirectory(this.directory)), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    this.gapMs = Math.max(this.debounceMs, 10 * (Date.now() - started));
  }
}
