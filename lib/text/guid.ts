/** A GUID / UUID in its 8-4-4-4-12 hex form, any case (Entra ids, Rekey's row ids). The one copy. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}
