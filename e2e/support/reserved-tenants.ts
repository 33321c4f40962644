/**
 * Demo connectors a spec relies on staying as the demo seeded them (still on the vendor's
 * certificates). A spec that picks connectors by its own rules must skip these: specs share one
 * stack and run in order, so rotating one of them breaks a later spec.
 */
/** supervision.spec.ts walks the wizard on this tenant's Continuity Monitor, expecting its original key. */
export const SUPERVISION_TENANT = 'Woodgrove 0018';
/** rotation.spec.ts rotates a connector of each (the region's replacement must still be offered). */
export const ROTATION_TENANTS = {
  rotate: 'Litware 0026',
  failAndRetry: 'Adatum 0024',
  viewer: 'Wingtip 0033',
} as const;
/** rotation-cutover.spec.ts rotates both routine connectors of this tenant with the cutover wait on. */
export const CUTOVER_TENANT = 'Proseware 0032';
/**
 * invitations.spec.ts installs a connector of its own here (the simulator's control API), on a
 * certificate of its own that its advisory names, revokes the management app's consent while the
 * customer's admin rotates it, then grants it again. Another spec that picks a tenant by its own
 * rules must not take this one.
 */
export const SELF_SERVICE_TENANT = 'Alpine 0038';
/** The connector invitations.spec.ts installs in SELF_SERVICE_TENANT (a product that tenant does not have). */
export const SELF_SERVICE_CONNECTOR = 'Mailbox Archive Sync';
