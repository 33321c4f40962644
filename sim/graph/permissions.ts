// Which app roles (or delegated scopes) each operation accepts, least privileged first (graph-facts §4).
import type { GraphCaller } from './graph-http';
import { forbidden } from './graph-http';

export const PERMS = {
  readApps: [
    'Application.Read.All',
    'Application.ReadWrite.OwnedBy',
    'Application.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  writeApp: ['Application.ReadWrite.All'],
  writeSp: ['Application.ReadWrite.All', 'Directory.ReadWrite.All'],
  createApp: ['Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All'],
  ownedBy: ['Application.ReadWrite.OwnedBy'],
  readOrg: ['Organization.Read.All', 'Directory.Read.All', 'Organization.ReadWrite.All', 'Directory.ReadWrite.All'],
  readSignIns: ['AuditLog.Read.All', 'Directory.Read.All'],
  readAssignments: [
    'Application.Read.All',
    'Application.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
    'AppRoleAssignment.ReadWrite.All',
  ],
  writeAssignments: ['AppRoleAssignment.ReadWrite.All'],
  readPolicy: ['Policy.Read.All', 'Policy.Read.ApplicationConfiguration', 'Policy.ReadWrite.ApplicationConfiguration'],
  writePolicy: ['Policy.ReadWrite.ApplicationConfiguration'],
} as const;

export function hasAny(caller: GraphCaller, perms: readonly string[]): boolean {
  const granted = caller.token.isAppOnly ? caller.token.roles : [...caller.token.scopes, ...caller.token.roles];
  return perms.some((p) => granted.includes(p));
}

export function requireAny(caller: GraphCaller, perms: readonly string[]): void {
  if (!hasAny(caller, perms)) throw forbidden();
}

/** The caller's service principal object id in this tenant (app-only tokens). */
export function callerIsOwner(caller: GraphCaller, owners: string[]): boolean {
  return owners.includes(caller.token.oid);
}
