import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

// Migrations run through Prisma 6's bundled WASM schema engine with the pg driver adapter:
// Prisma 7 (and Prisma 6's native engine) download binaries at run time, which cannot work here.
//
// Shim for prisma/orm#27403: adapter-pg cannot describe columns of type `name` (OID 19) and
// `char` (OID 18), which the schema engine's introspection queries return, so `migrate deploy`
// fails with "Column type 'name' could not be deserialized". Report them as text (OID 25).
// This file is only loaded by the Prisma CLI (migrations), never by the application.
const TEXT_OID = 25;
function patchQuery(proto: { query: (...args: unknown[]) => unknown }): void {
  const original = proto.query;
  if ((original as { __rekeyPatched?: boolean }).__rekeyPatched) return;
  const patched = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    const fix = (r: unknown) => {
      const fields = (r as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
      if (fields) for (const f of fields) if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = TEXT_OID;
      return r;
    };
    return result && typeof (result as Promise<unknown>).then === 'function'
      ? (result as Promise<unknown>).then(fix)
      : result;
  };
  (patched as { __rekeyPatched?: boolean }).__rekeyPatched = true;
  proto.query = patched;
}
patchQuery(pg.Client.prototype as never);
patchQuery(pg.Pool.prototype as never);

export default defineConfig({
  schema: 'prisma/schema.prisma',
  experimental: { adapter: true },
  engine: 'js',
  // allowExitOnIdle: idle connections do not hold the CLI open once its work is done (with
  // prisma/exit-when-done.cjs, which lib/runtime/migrate.ts preloads).
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL!, allowExitOnIdle: true }),
});
