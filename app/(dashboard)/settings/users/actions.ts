'use server';
/**
 * Settings › Users server actions. Each goes through defineAction (session, admin role,
 * same-origin, zod) and calls one audited use case in lib/auth/manage-users.ts.
 */
import { revalidatePath } from 'next/cache';
import { db } from '@/lib/db';
import { defineAction } from '@/lib/auth/action';
import {
  CreateUserSchema,
  GrantRoleSchema,
  RevokeRoleSchema,
  SetUserDisabledSchema,
  createUser,
  grantRole,
  revokeRole,
  setUserDisabled,
} from '@/lib/auth/manage-users';

const PATH = '/settings/users';

export const grantRoleAction = defineAction({
  name: 'users.grant',
  role: 'admin',
  input: GrantRoleSchema,
  handler: async (input, { actor, now }) => {
    const result = await grantRole(db, actor, input, now);
    revalidatePath(PATH);
    return result;
  },
});

export const revokeRoleAction = defineAction({
  name: 'users.revoke',
  role: 'admin',
  input: RevokeRoleSchema,
  handler: async (input, { actor, now }) => {
    const result = await revokeRole(db, actor, input, now);
    revalidatePath(PATH);
    return result;
  },
});

export const setUserDisabledAction = defineAction({
  name: 'users.set-disabled',
  role: 'admin',
  input: SetUserDisabledSchema,
  handler: async (input, { actor, now }) => {
    const result = await setUserDisabled(db, actor, input, now);
    revalidatePath(PATH);
    return result;
  },
});

export const createUserAction = defineAction({
  name: 'users.create',
  role: 'admin',
  input: CreateUserSchema,
  handler: async (input, { actor, now }) => {
    const result = await createUser(db, actor, input, now);
    revalidatePath(PATH);
    return result;
  },
});
