// Offset paging with opaque $skiptoken and @odata.nextLink pointing back at the caller's origin.
import { badRequest, type GraphRequest } from './graph-http';

export function pageSize(req: GraphRequest, defaultSize: number, max: number): number {
  const raw = req.query.get('$top');
  if (raw === null) return defaultSize;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw badRequest(
      `Invalid page size specified: '${raw}'. Must be between 1 and ${max} inclusive.`,
      'Request_BadRequest',
    );
  }
  return n;
}

export function decodeSkipToken(req: GraphRequest): number {
  const raw = req.query.get('$skiptoken');
  if (!raw) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw badRequest(`Invalid skip token '${raw}'.`, 'Request_BadRequest');
}

export function nextLink(req: GraphRequest, token: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of req.query) if (k !== '$skiptoken') q.append(k, v);
  q.set('$skiptoken', Buffer.from(JSON.stringify(token)).toString('base64url'));
  // Keep OData's literal `$` and spaces encoded as %20 as Graph does.
  const qs = q.toString().replace(/%24/g, '$').replace(/\+/g, '%20');
  return `${req.origin}/${req.version}${req.path}?${qs}`;
}

export function paginate<T>(
  req: GraphRequest,
  items: T[],
  defaultSize: number,
  max: number,
): { page: T[]; next: string | null } {
  const size = pageSize(req, defaultSize, max);
  const offset = decodeSkipToken(req);
  const page = items.slice(offset, offset + size);
  const next = offset + size < items.length ? nextLink(req, { o: offset + size }) : null;
  return { page, next };
}
