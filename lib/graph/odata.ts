/** OData literal quoting: a single quote is doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export const APP_SELECT = 'id,appId,displayName,signInAudience,createdDateTime,keyCredentials,requiredResourceAccess';
export const SP_SELECT = 'id,appId,displayName,appOwnerOrganizationId,keyCredentials';
