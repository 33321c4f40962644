/**
 * The session cookie's names, apart from lib/auth/session.ts so the proxy (proxy.ts), which only
 * checks that a cookie is there, does not bundle the database client.
 */
export const SESSION_COOKIE_SECURE = '__Host-rekey_session';
export const SESSION_COOKIE_PLAIN = 'rekey_session';
