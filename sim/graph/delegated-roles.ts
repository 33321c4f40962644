// Delegated calls: Microsoft Graph allows a call made with a user's token only when the token's
// `scp` holds the permission AND the signed-in user may do it themselves — through a directory role
// or by owning the object ("Delegated permissions": the app can act only within the user's own
// privileges; "Microsoft Entra built-in roles" for what each role may do). Sources in sim/README.md.
import { GRANT_APP_ROLES_ROLES, MANAGE_APPS_ROLES, DIRECTORY_ROLES, holdsAny } from '../directory/directory-roles';
import type { GraphCaller } from './graph-http';
import type { SimPermissionRule } from './permissions';
import { RULES } from './permissions';

type UserNeed = 'member' | 'manageAppsOrOwner' | 'grantAppRoles' | 'globalAdmin';

/** What the user must be for each rule; rules not listed need only a member user. */
function needOf(rule: SimPermissionRule): UserNeed {
  if (rule === RULES.writeApp || rule === RULES.writeSp || rule === RULES.deleteSp || rule === RULES.rollKeys)
    return 'manageAppsOrOwner';
  if (rule === RULES.writeAssignments) return 'grantAppRoles';
  if (rule === RULES.writePolicy || rule === RULES.readSignIns) return 'globalAdmin';
  // readApps, readAssignments, readOrg, readPolicy: default user permissions read these;
  // createApp: "Users can register applications" is on by default.
  return 'member';
}

export function delegatedRoleAllows(caller: GraphCaller, rule: SimPermissionRule, owners?: readonly string[]): boolean {
  const user = caller.tenant.users.get(caller.token.oid);
  if (!user) return false;
  switch (needOf(rule)) {
    case 'member':
      return true;
    case 'manageAppsOrOwner':
      return holdsAny(user.directoryRoles, MANAGE_APPS_ROLES) || (owners ?? []).includes(user.id);
    case 'grantAppRoles':
      return holdsAny(user.directoryRoles, GRANT_APP_ROLES_ROLES);
    case 'globalAdmin':
      return holdsAny(user.directoryRoles, [DIRECTORY_ROLES.globalAdministrator.id]);
  }
}
