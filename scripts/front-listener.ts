/**
 * The listener in front of `next start` (ADR 019). `next start` does not tell the app the
 * client's socket address (it only fills X-Forwarded-For when the client sent none, so that
 * header is whatever the client chose), and the audit log and the sign-in limits need it. This
 * listener owns the public port, forwards every request to Next on a loopback port, and sets:
 *
 * - `x-rekey-client-address`: the socket's peer address; with REKEY_TRUST_PROXY, the right-most
 *   X-Forwarded-For entry instead (the one the proxy in front appended: exactly one trusted hop);
 * - `x-rekey-front`: a secret shared with the Next process (REKEY_FRONT_TOKEN), so proxy.ts
 *   believes the address only when it came from here;
 * - `x-forwarded-for` (the socket address appended), and drops client-sent `x-forwarded-host`,
 *   `-proto` and `forwarded` unless a proxy is trusted (Next reads them for the Origin check).
 *
 * While Next is (re)starting it answers 503 with Retry-After. TRACE (and TRACK) is refused
 * here with 405 (Node's HTTP server would pass them on; nothing in Rekey answers them).
 */
import http from 'node:http';
import net from 'node:net';
import { newNonce, securityHeaders } from '@/lib/http/security-headers';

export interface FrontListenerOptions {
  port: number;
  host?: string;
  upstreamPort: number;
  trustProxy: boolean;
  token: string;
  log(message: string): void;
}

const REFUSED_METHODS = new Set(['TRACE', 'TRACK', 'CONNECT']);
const INTERNAL_HEADERS = ['x-rekey-client-address', 'x-rekey-front'];
const PROXY_HEADERS = ['x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded'];

/** `::ffff:192.0.2.1` → `192.0.2.1`; anything that is not an IP address → null. */
export function normalizeAddress(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let a = raw.trim();
  if (a.startsWith('[') && a.includes(']')) a = a.slice(1, a.indexOf(']'));
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) a = a.slice(7);
  return net.isIP(a) ? a.toLowerCase() : null;
}

/** The client address for one request (see the file comment). */
export function clientAddressFor(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: boolean,
): string | null {
  if (trustProxy) {
    const xff = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    const last = xff
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
    const fromProxy = normalizeAddress(last);
    if (fromProxy) return fromProxy;
  }
  return normalizeAddress(socketAddress);
}

/** The request headers Next receives. */
export function forwardHeaders(
  incoming: http.IncomingHttpHeaders,
  socketAddress: string | undefined,
  opts: Pick<FrontListenerOptions, 'trustProxy' | 'token'>,
): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...incoming };
  for (const h of INTERNAL_HEADERS) delete out[h];
  if (!opts.trustProxy) for (const h of PROXY_HEADERS) delete out[h];
  const peer = normalizeAddress(socketAddress);
  const client = clientAddressFor(socketAddress, incoming['x-forwarded-for'], opts.trustProxy);
  const prior = opts.trustProxy ? incoming['x-forwarded-for'] : undefined;
  const priorText = Array.isArray(prior) ? prior.join(', ') : prior;
  if (peer) out['x-forwarded-for'] = priorText ? `${priorText}, ${peer}` : peer;
  else delete out['x-forwarded-for'];
  if (client) out['x-rekey-client-address'] = client;
  out['x-rekey-front'] = opts.token;
  return out;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

/** Raw response headers ([name, value, name, value…]) less the ones that describe Next's connection. */
function withoutHopByHop(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}

function refuse(res: http.ServerResponse, req: http.IncomingMessage, status: number, text: string, extra = {}): void {
  const headers = securityHeaders({ nonce: newNonce(), https: false, host: req.headers.host ?? 'localhost' });
  res.writeHead(status, {
    ...headers,
    ...extra,
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : `${text}\n`);
}

export function startFrontListener(opts: FrontListenerOptions): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (REFUSED_METHODS.has((req.method ?? '').toUpperCase())) {
      return refuse(res, req, 405, `${req.method} is not supported.`, { allow: 'GET, HEAD, POST' });
    }
    // HTTP/1.0 may omit Host; Next would then see the loopback address this listener connects to
    // and build redirects to the internal port. Node already refuses HTTP/1.1 without Host.
    if (!req.headers.host) return refuse(res, req, 400, 'A Host header is required.');
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: opts.upstreamPort,
        method: req.method,
        path: req.url,
        headers: forwardHeaders(req.headers, req.socket.remoteAddress, opts),
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, withoutHopByHop(up.rawHeaders));
        up.pipe(res);
        up.on('error', () => res.destroy());
      },
    );
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (res.headersSent) return res.destroy();
      if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET')
        return refuse(res, req, 503, 'Rekey is starting or restarting; try again in a moment.', {
          'retry-after': '2',
        });
      opts.log(`front listener: ${req.method} ${req.url?.slice(0, 200)} failed: ${e.message}`);
      return refuse(res, req, 502, 'Rekey could not answer this request.');
    });
    req.pipe(upstream);
    req.on('aborted', () => upstream.destroy());
  });

  // WebSocket upgrades (`next dev`'s hot reload): the same headers, then bytes both ways.
  server.on('upgrade', (req, socket, head) => {
    const up = net.connect(opts.upstreamPort, '127.0.0.1', () => {
      const headers = forwardHeaders(req.headers, req.socket.remoteAddress, opts);
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (const [k, v] of Object.entries(headers)) {
        for (const value of Array.isArray(v) ? v : [v]) if (value !== undefined) lines.push(`${k}: ${value}`);
      }
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });

  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
