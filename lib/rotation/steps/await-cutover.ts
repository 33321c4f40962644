/**
 * Make-before-break waits for the vendor's cutover (ADR 022): after the new key is verified, the
 * old key stays on the application until, in this order (first hit wins):
 * 1. an admin confirmed on the run page that the vendor's service has switched;
 * 2. the sign-in logs show a successful sign-in with the NEW key from the vendor's known ranges
 *    (detection.vendorCidrs) since the wait began;
 * 3. the deadline (since + hours) has passed.
 * Otherwise the step reports "not yet" (waitUntil): the rotation is WAITING with no lease held and a
 * job queued for the next look, at most every `recheckMs` (the sign-in logs are throttled at 5
 * requests / 10 s per tenant, and Entra writes them minutes late anyway). Re-running it after a
 * crash changes nothing: it only reads.
 *
 * Sign-ins before the wait began are not counted: Rekey's own token test with the new key
 * (verify_new) happens just before, possibly from an address inside the vendor's ranges. The wait
 * begins at the next whole second, so that test is before it even in logs that keep whole seconds.
 */
import { createAddressMatcher } from '@/lib/detection/cidr';
import type { CutoverFacts, SeenSignIn } from '@/lib/rotation/rotation-facts';
import { describeError, type StepHandler, type StepSuccess } from '@/lib/rotation/steps/step-context';

const HOUR = 3_600_000;
/** How many sign-ins from unknown addresses the run page lists. */
const UNKNOWN_SHOWN = 5;

export const awaitCutover: StepHandler = async (ctx) => {
  const asked = ctx.facts.cutover;
  if (!asked) return { message: 'This rotation does not wait for the vendor’s cutover.' };
  // Rounded up to the whole second: sign-in logs may write whole seconds, and Rekey's own token test
  // (verify_new, just before) must fall before the wait however its time was rounded.
  const since = asked.since ? new Date(asked.since) : new Date(Math.ceil(ctx.now.getTime() / 1_000) * 1_000);
  const until = asked.until ? new Date(asked.until) : new Date(since.getTime() + asked.hours * HOUR);
  const base: CutoverFacts = { ...asked, since: since.toISOString(), until: until.toISOString() };
  const done = (message: string, ended: NonNullable<CutoverFacts['ended']>, more: Partial<CutoverFacts> = {}) =>
    ({ message, facts: { cutover: { ...base, ...more, ended } } }) satisfies StepSuccess;

  if (asked.confirmed)
    return done(
      `${asked.confirmed.by} confirmed that the vendor’s service uses the new certificate; removing the old key.`,
      { at: ctx.now.toISOString(), reason: 'confirmed' },
    );

  const lastCheck = await lookAtSignIns(ctx, since);
  if (lastCheck.vendor)
    return done(
      `The vendor’s service signed in with the new certificate from ${lastCheck.vendor.ipAddress} at ${lastCheck.vendor.at}; removing the old key.`,
      { at: ctx.now.toISOString(), reason: 'vendor_sign_in', signIn: lastCheck.vendor },
      { lastCheck: lastCheck.facts },
    );
  if (ctx.now.getTime() >= until.getTime())
    return done(
      `No sign-in with the new certificate from the vendor’s addresses by the deadline (${until.toISOString()}); removing the old key as planned.`,
      { at: ctx.now.toISOString(), reason: 'deadline' },
      { lastCheck: lastCheck.facts },
    );
  const next = new Date(Math.min(ctx.now.getTime() + ctx.cutover.recheckMs, until.getTime()));
  return {
    message: `Waiting for the vendor’s service to sign in with the new certificate (until ${until.toISOString()}); ${lastCheck.summary}`,
    facts: { cutover: { ...base, lastCheck: lastCheck.facts } },
    waitUntil: next,
  };
};

async function lookAtSignIns(
  ctx: Parameters<StepHandler>[0],
  since: Date,
): Promise<{ facts: NonNullable<CutoverFacts['lastCheck']>; vendor: SeenSignIn | null; summary: string }> {
  const at = ctx.now.toISOString();
  const empty = { at, vendorSignIns: 0, unknownSignIns: 0, unknown: [] };
  let read;
  try {
    read = await ctx.graph.listCredentialSignIns(ctx.tenant, {
      appId: ctx.connection.appId,
      since,
      ...(ctx.facts.add?.keyId ? { keyId: ctx.facts.add.keyId } : {}),
      sha1: ctx.newCert.sha1,
    });
  } catch (e) {
    // A failed look is not a reason to stop waiting (the deadline and the admin still end it).
    const detail = `The sign-in logs could not be read this time: ${describeError(e)}`;
    return { facts: { ...empty, logs: 'error', detail }, vendor: null, summary: detail };
  }
  if (!read.available) {
    const detail = `The sign-in logs cannot be read (${read.message}); confirm the cutover on this page or wait for the deadline.`;
    return { facts: { ...empty, logs: 'unavailable', detail }, vendor: null, summary: detail };
  }
  const matcher = createAddressMatcher(ctx.cutover.vendorCidrs);
  const used = read.signIns
    .filter((s) => s.succeeded && Date.parse(s.at) >= since.getTime())
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const seen = (s: (typeof used)[number]): SeenSignIn => ({ at: s.at, ipAddress: s.ipAddress, signInId: s.id });
  const fromVendor = used.filter((s) => matcher.matches(s.ipAddress));
  const fromElsewhere = used.filter((s) => !matcher.matches(s.ipAddress));
  const facts = {
    at,
    logs: 'available' as const,
    detail: null,
    vendorSignIns: fromVendor.length,
    unknownSignIns: fromElsewhere.length,
    unknown: fromElsewhere.slice(-UNKNOWN_SHOWN).map(seen),
  };
  const summary =
    fromElsewhere.length > 0
      ? `${fromElsewhere.length} sign-in${fromElsewhere.length > 1 ? 's' : ''} with the new certificate came from outside the vendor’s known addresses (latest ${fromElsewhere[fromElsewhere.length - 1]!.ipAddress}), none from them.`
      : 'no sign-in with the new certificate yet.';
  return { facts, vendor: fromVendor[0] ? seen(fromVendor[0]) : null, summary };
}
