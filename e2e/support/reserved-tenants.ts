/**
 * Demo tenants one spec relies on staying as the demo seeded them; other specs that pick tenants
 * by their own rules skip these (specs share one stack and run in order).
 */
/** supervision.spec.ts walks the wizard on this tenant's Continuity Monitor, expecting its original key. */
export const SUPERVISION_TENANT = 'Woodgrove 0018';
