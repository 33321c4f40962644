/**
 * Every environment variable Rekey reads, parsed and validated once with zod. The README's
 * configuration table lists the same names. Errors name the variable and say what is expected.
 */
import path from 'node:path';
import { z } from 'zod';
import { RekeyError } from '@/lib/errors';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/**
 * Entra ID and Microsoft Graph per cloud ("Microsoft Graph national cloud deployments",
 * https://learn.microsoft.com/en-us/graph/deployments). `graphResource` is what tokens are requested
 * for (`<resource>/.default`); it follows the cloud, not REKEY_GRAPH_ENDPOINT, so pointing the
 * endpoint elsewhere (a proxy, the simulator) keeps the resource Entra expects.
 */
export const CLOUDS = {
  global: {
    authorityHost: 'https://login.microsoftonline.com',
    graphEndpoint: 'https://graph.microsoft.com',
    graphResource: 'https://graph.microsoft.com',
  },
  /** US Government L4 (GCC High). */
  usgov: {
    authorityHost: 'https://login.microsoftonline.us',
    graphEndpoint: 'https://graph.microsoft.us',
    graphResource: 'https://graph.microsoft.us',
  },
  /** US Government L5 (DoD). */
  'usgov-dod': {
    authorityHost: 'https://login.microsoftonline.us',
    graphEndpoint: 'https://dod-graph.microsoft.us',
    graphResource: 'https://dod-graph.microsoft.us',
  },
  china: {
    authorityHost: 'https://login.chinacloudapi.cn',
    graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
    graphResource: 'https://microsoftgraph.chinacloudapi.cn',
  },
} as const;

/** MB of V8 heap a job worker process may use by default (REKEY_WORKER_HEAP_MB). */
export const DEFAULT_WORKER_HEAP_MB = 1024;

/** Node's options for a job worker process with that heap limit (npm start, the benchmarks). */
export function workerNodeArgs(heapMb: number): string[] {
  return heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : [];
}

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Internal, set by `npm start` for `next start`, which listens on a loopback port of its own: the public PORT. */
  REKEY_PUBLIC_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Public base URL of the dashboard (redirect URIs, links in notifications). */
  REKEY_PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** The owner role for migrations (ADR 017); DATABASE_URL is then the application role. */
  DATABASE_MIGRATE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REKEY_DATA_DIR: z.string().default('.data'),
  REKEY_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  REKEY_MASTER_KEY: z.string().optional(),
  REKEY_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  REKEY_ADMINS: z.string().optional(),
  /** Sign out after this many minutes without a request (lib/auth/session.ts). */
  REKEY_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** Sign out this many hours after sign-in, however active the session is. */
  REKEY_SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Sign-in attempts allowed per client address per minute (lib/http/rate-limit.ts). */
  REKEY_SIGNIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  REKEY_CLOUD: z.enum(['global', 'usgov', 'usgov-dod', 'china']).default('global'),
  REKEY_AUTHORITY_HOST: z.url().optional(),
  REKEY_GRAPH_ENDPOINT: z.url().optional(),
  /** The resource Graph tokens are requested for (`<resource>/.default`); default from REKEY_CLOUD. */
  REKEY_GRAPH_RESOURCE: z.url().optional(),
  REKEY_MGMT_CLIENT_ID: z.uuid().optional(),
  REKEY_MGMT_CERT_PATH: z.string().optional(),
  REKEY_MGMT_KEY_PATH: z.string().optional(),
  REKEY_HOME_TENANT: z.string().optional(),
  /** Rekey's multi-tenant app for customer self-service rotations (delegated permissions only, ADR 027). */
  REKEY_DELEGATED_CLIENT_ID: z.uuid().optional(),
  REKEY_DELEGATED_CERT_PATH: z.string().optional(),
  REKEY_DELEGATED_KEY_PATH: z.string().optional(),
  /** `auto`: start the simulator when no Microsoft 365 configuration is given. */
  REKEY_SIM: z.enum(['auto', 'on', 'off']).default('auto'),
  REKEY_SIM_PORT: z.coerce.number().int().min(1).max(65535).default(4443),
  REKEY_SIM_TENANTS: z.coerce.number().int().min(1).max(10_000).default(60),
  REKEY_WORKER: z.enum(['inline', 'off']).default('inline'),
  /** Worker processes `npm start` runs (inline). Node runs JavaScript on one core: one per core uses them all. */
  REKEY_WORKER_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  REKEY_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
  /**
   * V8's heap limit of a job worker process, in MB (`--max-old-space-size`, ADR 044); 0: V8's own
   * (a quarter of the machine's memory, up to 4 GB), under which a busy worker's heap grows to several
   * times what it keeps. The same default is in bin/rekey.mjs (`rekey worker`).
   */
  REKEY_WORKER_HEAP_MB: z.coerce
    .number()
    .int()
    .refine((n) => n === 0 || (n >= 256 && n <= 65_536), 'must be 0 (V8 decides) or from 256 to 65536 (MB)')
    .default(DEFAULT_WORKER_HEAP_MB),
  /** The 6-hourly discovery scan of every consented tenant; `off` pauses it (scans on demand still run). */
  REKEY_SCHEDULED_FLEET_SCAN: bool.default(true),
  /** smtp://user:pass@host:587 (STARTTLS when offered; ?starttls=required) or smtps://…:465. */
  REKEY_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  /** Days between reminder e-mails to customer invitations not done (issue 20); 0 turns them off. */
  /** A rotation waiting for the vendor's cutover looks at the sign-in logs this often (ADR 022). */
  REKEY_CUTOVER_RECHECK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  REKEY_INVITATION_REMINDER_DAYS: z.coerce.number().int().min(0).max(90).default(3),
  /** The vendor's name in invitation reminder e-mails ("<vendor> asked an administrator …"). */
  REKEY_VENDOR_NAME: z.string().min(1).max(100).default('Your vendor'),
  /** Slack or Teams incoming webhook (the URL is the secret, so it lives here, not in Settings). */
  REKEY_NOTIFY_WEBHOOK_URL: z.url().optional(),
  REKEY_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  REKEY_TRUST_PROXY: bool.default(false),
  /** Also append every audit checkpoint (`SEQ:HASH AT`) as a line to this file (`npm start` writes it). */
  REKEY_AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
});

export type Env = z.infer<typeof EnvSchema> & {
  dataDir: string;
  authorityHost: string;
  graphEndpoint: string;
  /** REKEY_GRAPH_RESOURCE, or REKEY_CLOUD's Graph resource; no trailing slash. */
  graphResource: string;
};

let cached: Env | undefined;

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = EnvSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '')));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new RekeyError(
      'CONFIG',
      `Invalid configuration:\n${lines.join('\n')}\nSee the Configuration table in README.md.`,
    );
  }
  const e = result.data;
  const cloud = CLOUDS[e.REKEY_CLOUD];
  if ((e.REKEY_MGMT_CERT_PATH || e.REKEY_MGMT_KEY_PATH) && !e.REKEY_MGMT_CLIENT_ID) {
    throw new RekeyError(
      'CONFIG',
      "REKEY_MGMT_CERT_PATH/REKEY_MGMT_KEY_PATH are set but REKEY_MGMT_CLIENT_ID is not: set the management app's client id too.",
    );
  }
  return {
    ...e,
    dataDir: path.resolve(e.REKEY_DATA_DIR),
    authorityHost: (e.REKEY_AUTHORITY_HOST ?? cloud.authorityHost).replace(/\/+$/, ''),
    graphEndpoint: (e.REKEY_GRAPH_ENDPOINT ?? cloud.graphEndpoint).replace(/\/+$/, ''),
    graphResource: (e.REKEY_GRAPH_RESOURCE ?? cloud.graphResource).replace(/\/+$/, ''),
  };
}

/** Where redirects and links point when REKEY_PUBLIC_URL is unset (the local demo). */
export function defaultPublicUrl(e: Pick<Env, 'PORT' | 'REKEY_PUBLIC_PORT'>): string {
  return `http://localhost:${e.REKEY_PUBLIC_PORT ?? e.PORT}`;
}

export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
