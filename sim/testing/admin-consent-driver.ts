// Test helper: walks the simulator's /adminconsent pages the way a browser does (GET the link,
// POST the picked account, POST the decision) and returns where Entra sends the browser.
export interface ConsentWalk {
  /** Status of the last simulator response (302 when it redirected back to the app). */
  status: number;
  /** The redirect target (the app's redirect URI with Microsoft's parameters), when redirected. */
  location: URL | null;
  /** The last page's HTML, when not redirected. */
  html: string;
}

export async function walkAdminConsent(
  link: string,
  opts: { user: string; decision?: 'accept' | 'cancel' | null },
): Promise<ConsentWalk> {
  const step = async (res: Response): Promise<ConsentWalk> => {
    const loc = res.headers.get('location');
    return { status: res.status, location: loc ? new URL(loc) : null, html: loc ? '' : await res.text() };
  };
  const first = await step(await fetch(link, { redirect: 'manual' }));
  if (first.status !== 200) return first;
  const post = (extra: Record<string, string>) =>
    fetch(link, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(extra).toString(),
    });
  const picked = await step(await post({ user: opts.user }));
  if (picked.status !== 200 || opts.decision === null) return picked;
  return step(await post({ user: opts.user, decision: opts.decision ?? 'accept' }));
}
