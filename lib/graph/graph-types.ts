/**
 * The Graph shapes Rekey reads and writes (names and types from the v1.0 CSDL).
 */
import { z } from 'zod';
import { GRAPH_PERMISSIONS, type PermissionNeed } from '@/lib/graph/permissions';

export const KeyCredentialSchema = z.object({
  keyId: z.string(),
  customKeyIdentifier: z.string().nullish(),
  displayName: z.string().nullish(),
  startDateTime: z.string().nullish(),
  endDateTime: z.string().nullish(),
  /** Base64 DER; only populated by `$select=keyCredentials` on a single object. */
  key: z.string().nullish(),
  type: z.string().nullish(),
  usage: z.string().nullish(),
});
export type KeyCredential = z.infer<typeof KeyCredentialSchema>;

export const RequiredResourceAccessSchema = z.array(
  z.object({
    resourceAppId: z.string(),
    resourceAccess: z.array(z.object({ id: z.string(), type: z.string() })),
  }),
);
export type RequiredResourceAccess = z.infer<typeof RequiredResourceAccessSchema>;

export const ApplicationSchema = z.object({
  id: z.string(),
  appId: z.string(),
  displayName: z.string().nullish(),
  signInAudience: z.string().nullish(),
  createdDateTime: z.string().nullish(),
  keyCredentials: z.array(KeyCredentialSchema).nullish(),
  requiredResourceAccess: RequiredResourceAccessSchema.nullish(),
});
export type Application = z.infer<typeof ApplicationSchema>;

export const ServicePrincipalSchema = z.object({
  id: z.string(),
  appId: z.string(),
  displayName: z.string().nullish(),
  appOwnerOrganizationId: z.string().nullish(),
  keyCredentials: z.array(KeyCredentialSchema).nullish(),
});
export type ServicePrincipal = z.infer<typeof ServicePrincipalSchema>;

export const OrganizationSchema = z.object({
  id: z.string(),
  displayName: z.string().nullish(),
  tenantType: z.string().nullish(),
  verifiedDomains: z
    .array(
      z.object({
        name: z.string(),
        isDefault: z.boolean().nullish(),
        isInitial: z.boolean().nullish(),
        type: z.string().nullish(),
      }),
    )
    .nullish(),
});
export type Organization = z.infer<typeof OrganizationSchema>;

export const AppRoleAssignmentSchema = z.object({
  id: z.string(),
  appRoleId: z.string(),
  principalId: z.string(),
  resourceId: z.string(),
  resourceDisplayName: z.string().nullish(),
});
export type AppRoleAssignment = z.infer<typeof AppRoleAssignmentSchema>;

/** Which directory object a credential lives on. */
export type CredentialOwner = 'application' | 'servicePrincipal';
export interface CredentialTarget {
  on: CredentialOwner;
  /** Object id (not appId). */
  objectId: string;
}

export function collectionPath(on: CredentialOwner): string {
  return on === 'application' ? '/applications' : '/servicePrincipals';
}

/**
 * The permission each operation needs lives in `lib/graph/permissions.ts` (one table, as Microsoft
 * documents it). `PERMISSIONS[need]` is the permission Rekey asks for by default.
 */
export const PERMISSIONS = Object.fromEntries(
  Object.entries(GRAPH_PERMISSIONS).map(([need, rule]) => [need, rule.recommended]),
) as { readonly [K in PermissionNeed]: (typeof GRAPH_PERMISSIONS)[K]['recommended'] };
export { OPTIONAL_NEEDS, REQUIRED_NEEDS, permits, type PermissionNeed } from '@/lib/graph/permissions';

/** Uppercase hex without separators. */
export function normalizeHex(value: string): string {
  return value.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/** Graph's date format (no milliseconds). */
export function graphDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
