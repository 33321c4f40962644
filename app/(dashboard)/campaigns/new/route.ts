import { z } from 'zod';
import { defineRoute } from '@/lib/auth/action';
import { createCampaign } from '@/lib/campaigns/create-campaign';
import { isRekeyError } from '@/lib/errors';
import { formatDate } from '@/lib/utils';
import {
  defaultCertificateFor,
  listCandidateCertificates,
  regionsOfConnectors,
} from '@/lib/campaigns/campaign-queries';

/** `/campaigns/new?advisory=…&status=…` → the set-up form with the same selection. */
export const GET = defineRoute({
  name: 'campaigns.new',
  role: 'operator',
  input: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  handler: async (input, { request }) => {
    const target = new URL('/campaigns/new/setup', request.url);
    for (const [k, v] of Object.entries(input))
      for (const one of Array.isArray(v) ? v : [v])
        target.searchParams.append(k === 'advisory' ? 'advisoryId' : k, one);
    return redirectTo(target.pathname + target.search);
  },
});

const PostInput = z
  .object({
    connectorIds: z.preprocess(
      (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.uuid()).max(100_000),
    ),
  })
  .catchall(z.unknown());

function redirectTo(location: string): Response {
  return new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });
}

/**
 * The connectors table posts the selected ids here (repeated `connectorIds`). However many there
 * are, they become a DRAFT campaign at once (an explicit list, each region mapped to its default
 * replacement certificate, a canary of 5 then the rest); its page shows the plan, and "Edit
 * settings" re-creates it from the same list. Nothing runs until someone starts it.
 */
export const POST = defineRoute({
  name: 'campaigns.new_from_selection',
  role: 'operator',
  input: PostInput,
  maxBytes: 8 * 1024 * 1024,
  handler: async ({ connectorIds }, ctx) => {
    if (connectorIds.length === 0) return redirectTo('/campaigns/new/setup?error=empty');
    const certs = await listCandidateCertificates(ctx);
    const regions = await regionsOfConnectors(ctx, connectorIds);
    const regionCertificates: Record<string, string> = {};
    for (const r of regions) {
      const id = defaultCertificateFor(r, certs);
      if (id) regionCertificates[r] = id;
    }
    try {
      const { campaign } = await createCampaign(ctx, {
        name: `${connectorIds.length} selected connector${connectorIds.length === 1 ? '' : 's'} · ${formatDate(ctx.now)}`,
        selection: { kind: 'list', connectorIds },
        regionCertificates,
        waves: [{ size: 5, maxFailures: 0 }, { size: null }],
      });
      return redirectTo(`/campaigns/${campaign.id}?created=1`);
    } catch (e) {
      if (!isRekeyError(e)) throw e;
      return redirectTo(`/campaigns/new/setup?error=${encodeURIComponent(e.message.slice(0, 500))}`);
    }
  },
});
