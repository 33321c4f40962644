import { defineRoute } from '@/lib/auth/action';
import { exportCampaignResultsFor } from '@/lib/campaigns/export-campaign-results';

/** The campaign's per-tenant results as CSV, streamed (one line per item). */
export const GET = defineRoute<never, { id: string }>({
  name: 'campaigns.export',
  role: 'viewer',
  handler: async (_input, ctx) => {
    const { params } = ctx;
    const lines = exportCampaignResultsFor(ctx, { campaignId: params.id });
    // Pull the header first so NOT_FOUND / scope errors become a proper status, not a broken stream.
    const first = await lines.next();
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (!first.done) controller.enqueue(encoder.encode(first.value));
      },
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    return new Response(stream, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="campaign-${params.id.slice(0, 8)}-results.csv"`,
        'cache-control': 'no-store',
      },
    });
  },
});
