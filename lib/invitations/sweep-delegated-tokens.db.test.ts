import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { sweepDelegatedTokens } from '@/lib/invitations/sweep-delegated-tokens';
import { seedDefaults } from '@/lib/seed/seed-defaults';
import { buildCertificate } from '@/lib/testing/fleet-builders';
import type { InvitationState } from '@/generated/prisma/enums';

const now = new Date('2026-12-03T12:00:00Z');
let certId: string;

async function invitationWithToken(state: InvitationState, over: { expiresAt?: Date; tokenAgeMs?: number } = {}) {
  const inv = await db.invitation.create({
    data: {
      tokenHash: crypto.randomBytes(32).toString('hex'),
      entraTenantId: crypto.randomUUID(),
      certificateId: certId,
      reason: 'test',
      state,
      expiresAt: over.expiresAt ?? new Date(now.getTime() + 86_400_000),
    },
  });
  await db.delegatedToken.create({
    data: {
      invitationId: inv.id,
      entraTenantId: inv.entraTenantId!,
      sealedAccessToken: 'dt1.x.y.z.w',
      accessTokenExpiresAt: new Date(now.getTime() + 3_600_000),
      createdAt: new Date(now.getTime() - (over.tokenAgeMs ?? 60_000)),
    },
  });
  return inv.id;
}

beforeAll(async () => {
  await seedDefaults(db);
  certId = (await buildCertificate(db)).id;
});

describe('sweepDelegatedTokens', () => {
  it('keeps the tokens of a rotation under way and of a fresh sign-in; deletes idle, expired and finished ones', async () => {
    const rotating = await invitationWithToken('ROTATING', { tokenAgeMs: 5 * 3_600_000 });
    const fresh = await invitationWithToken('SIGNED_IN');
    const idle = await invitationWithToken('SIGNED_IN', { tokenAgeMs: 61 * 60_000 });
    const expired = await invitationWithToken('SIGNED_IN', { expiresAt: new Date(now.getTime() - 1) });
    const failed = await invitationWithToken('FAILED');
    expect(await sweepDelegatedTokens({ db, now })).toBe(3);
    const left = (await db.delegatedToken.findMany({ select: { invitationId: true } })).map((r) => r.invitationId);
    expect(left.sort()).toEqual([rotating, fresh].sort());
    for (const gone of [idle, expired, failed]) expect(left).not.toContain(gone);
  });
});
