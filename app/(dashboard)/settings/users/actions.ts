'use server';
/**
 * Settings › Users server actions. Each goes through defineAction (session, admin role,
 * same-origin, zod) and calls one audited use case in lib/auth/manage-users.ts.
 */
import { revalidatePath } from 'next/cache';
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
  handler: async (input, ctx) => {
    const result = await grantRole(ctx, input);
    revalidatePath(PATH);
    return result;
  },
});

export const revokeRoleAction = defineAction({
  name: 'users.revoke',
  role: 'admin',
  input: RevokeRoleSchema,
  handler: async (input, ctx) => {
    const result = await revokeRole(ctx, input);
    revalidatePath(PATH);
    return result;
  },
});

export const setUserDisabledAction = defineAction({
  name: 'users.set-disabled',
  role: 'admin',
  input: SetUserDisabledSchema,
  handler: async (input, ctx) => {
    const result = await setUserDisabled(ctx, input);
    revalidatePath(PATH);
    return result;
  },
});

export const createUserAction = defineAction({
  name: 'users.create',
  role: 'admin',
  input: CreateUserSchema,
  handler: async (input, ctx) => {
    const result = await createUser(ctx, input);
    revalidatePath(PATH);
    return result;
  },
});
