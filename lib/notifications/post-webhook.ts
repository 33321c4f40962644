/** POSTs JSON to an incoming webhook; a non-2xx answer throws (the job retries). */
import { RekeyError } from '@/lib/errors';

export async function postWebhook(
  url: string,
  body: unknown,
  opts: { timeoutMs?: number; fetchFn?: typeof fetch } = {},
): Promise<{ status: number }> {
  const f = opts.fetchFn ?? fetch;
  let res: Response;
  try {
    res = await f(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Rekey' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      redirect: 'error',
    });
  } catch (e) {
    throw new RekeyError('INTERNAL', `Webhook unreachable: ${(e as Error).message}`);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => '')).slice(0, 200);
    throw new RekeyError('INTERNAL', `Webhook answered ${res.status}${text ? `: ${text}` : ''}`, {
      status: res.status,
    });
  }
  await res.body?.cancel().catch(() => undefined);
  return { status: res.status };
}
