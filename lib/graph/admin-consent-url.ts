/** The admin-consent link a tenant's Global Administrator opens to onboard Rekey. */
export function adminConsentUrl(opts: {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  redirectUri?: string;
  state?: string;
}): string {
  const u = new URL(`${opts.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(opts.tenantId)}/adminconsent`);
  u.searchParams.set('client_id', opts.clientId);
  if (opts.redirectUri) u.searchParams.set('redirect_uri', opts.redirectUri);
  if (opts.state) u.searchParams.set('state', opts.state);
  return u.toString();
}
