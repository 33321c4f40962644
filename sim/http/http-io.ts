// The HTTP plumbing of the simulator's server: read a request's body, answer with an HttpResult
// (the value every Entra, Graph and control handler returns), and the caller's IP as sign-in logs show it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpResult } from '../entra/aad-error';

/**
 * The caller's IP for sign-in logs: `x-sim-client-ip` (a caller posing as another address), else
 * the first `x-forwarded-for`, else the socket's.
 */
export function clientIp(req: IncomingMessage): string {
  const sim = req.headers['x-sim-client-ip'];
  if (typeof sim === 'string' && sim) return sim.trim();
  const fwd = req.headers['x-forwarded-for'];
  if (typeof fwd === 'string' && fwd) return fwd.split(',')[0]!.trim();
  const addr = req.socket.remoteAddress ?? '127.0.0.1';
  return addr === '::1' || addr === '::ffff:127.0.0.1' ? '127.0.0.1' : addr.replace(/^::ffff:/, '');
}

export function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('payload too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes `result` over `defaults` (headers); nothing when the response is already over. */
export function send(res: ServerResponse, result: HttpResult, defaults: Record<string, string>): void {
  if (res.writableEnded || res.destroyed) return;
  const headers: Record<string, string> = { ...defaults };
  for (const [k, v] of Object.entries(result.headers)) headers[k.toLowerCase()] = v;
  let payload: string | undefined;
  if (result.body === undefined || result.body === '') {
    payload = undefined;
    if (result.status === 204) delete headers['content-type'];
  } else if (typeof result.body === 'string') {
    payload = result.body;
    headers['content-type'] = result.contentType ?? 'text/plain; charset=utf-8';
  } else {
    payload = JSON.stringify(result.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(result.status, headers);
  res.end(payload);
}
