/** The simulator read the way Microsoft would be read: lib/testing/simulator-read.ts (shared with the truth checker). */
export {
  appCredentialKinds,
  appsHoldingThumbprints,
  getJson,
  postJson,
  managementAppRoles,
  readSimTenants,
  type SimManifest,
} from '../../lib/testing/simulator-read';
