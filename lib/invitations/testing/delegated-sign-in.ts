/**
 * Test-only, shared by the invitation db tests: the delegated-rotation app's config for the
 * in-process simulator, a master key ring, and what the customer's browser does at "Microsoft"
 * (pick the account, answer the consent prompt) through the simulator's real HTML forms.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { GraphSim } from '@/lib/graph/testing/sim-graph';
import type { CallbackQuery } from '@/lib/invitations/customer-sign-in';
import type { DelegatedAppConfig } from '@/lib/invitations/delegated-app';
import type { MasterKeyRing } from '@/lib/vault/master-key';

export const INVITE_REDIRECT = 'http://localhost:3210/invite/callback';

export function testKeyRing(): MasterKeyRing {
  return { current: { id: 'test', key: crypto.randomBytes(32) }, previous: [] };
}

/** Rekey's delegated-rotation app as the simulator registered it. */
export function delegatedAppConfig(gs: GraphSim): DelegatedAppConfig {
  const d = gs.manifest.delegatedApp!;
  return {
    clientId: d.appId,
    authorityHost: gs.sim.url,
    graphResource: 'https://graph.microsoft.com',
    certificate: {
      thumbprintSha256: d.thumbprintSha256.toLowerCase(),
      privateKey: fs.readFileSync(d.privateKeyPath, 'utf8'),
      x5c: new crypto.X509Certificate(fs.readFileSync(d.certificatePath, 'utf8')).raw.toString('base64'),
    },
  };
}

function decodeEntities(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

function hidden(html: string): URLSearchParams {
  const f = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    f.set(decodeEntities(m[1]!), decodeEntities(m[2]!));
  return f;
}

/**
 * Sign in at the simulator's authorize URL as `upn` and answer a consent prompt if one is shown
 * (`null`: none expected — throws if there is one). Returns the callback's query; throws when
 * Microsoft does not redirect back to `redirectUri`.
 */
export async function atMicrosoft(
  url: string,
  upn: string,
  consent: 'accept' | 'decline' | null = 'accept',
  redirectUri = INVITE_REDIRECT,
): Promise<CallbackQuery> {
  const form = hidden(await (await fetch(url)).text());
  form.set('user', upn);
  let res = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  if (res.status === 200) {
    const page = await res.text();
    if (consent === null) throw new Error(`unexpected prompt at Microsoft: ${page.slice(0, 300)}`);
    const f = hidden(page);
    f.set('consent', consent);
    res = await fetch(url, { method: 'POST', body: f, redirect: 'manual' });
  }
  if (res.status !== 302) throw new Error(`Microsoft answered ${res.status}, not a redirect back`);
  const back = new URL(res.headers.get('location')!);
  if (`${back.origin}${back.pathname}` !== redirectUri)
    throw new Error(`Microsoft redirected to ${back.origin}${back.pathname}, not ${redirectUri}`);
  return Object.fromEntries(back.searchParams) as CallbackQuery;
}
