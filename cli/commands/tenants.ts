import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { EXIT, UsageError, type CliIO, type Command } from '../command';
import { withDb } from '../with-db';
import type { Actor } from '@/lib/audit/append-audit-event';
import { RekeyError } from '@/lib/errors';

function cliActor(): Actor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry (containers) */
  }
  return { id: null, label: `cli:${user}` };
}

async function tenantIdArg(value: unknown): Promise<string> {
  if (typeof value !== 'string' || !value)
    throw new UsageError('--tenant needs a tenant id (Rekey id or Entra tenant id) or domain');
  const { findTenantByAnyId } = await import('@/lib/tenants/get-tenant');
  const t = await findTenantByAnyId(value);
  if (!t) throw new RekeyError('NOT_FOUND', `No onboarded tenant matches ${value}.`);
  return t.id;
}

function table(io: CliIO, rows: string[][]) {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows)
    io.out(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

export const tenantCommands: Command[] = [
  {
    path: ['tenants', 'import'],
    summary: 'Onboard tenants from a CSV (tenant,name,region,group); nothing is imported unless every row is valid.',
    usage: 'tenants import FILE.csv [--dry-run] [--json]',
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' } },
    async run({ values, positionals }, io) {
      const file = positionals[0];
      if (!file || positionals.length > 1) throw new UsageError('give exactly one CSV file');
      const csv = await readFile(file, 'utf8').catch((e: Error) => {
        throw new RekeyError('BAD_INPUT', `Cannot read ${file}: ${e.message}`);
      });
      const result = await withDb(async () => {
        const { importTenants } = await import('@/lib/tenants/import-tenants');
        return importTenants({ csv, dryRun: Boolean(values['dry-run']) }, { actor: cliActor() });
      });
      if (values.json) io.out(JSON.stringify(result));
      else {
        if (result.fileError) io.err(`error: ${result.fileError}`);
        if (result.rows.length)
          table(io, [
            ['LINE', 'TENANT', 'NAME', 'STATUS', 'DETAIL'],
            ...result.rows.map((r) => [
              String(r.line),
              r.tenant,
              r.name,
              r.status,
              r.messages.join('; ') || (r.entraTenantId ?? ''),
            ]),
          ]);
        if (result.ok)
          io.err(
            values['dry-run']
              ? `all ${result.rows.length} rows are valid (dry run: nothing written)`
              : `imported ${result.imported} tenant(s)`,
          );
        else if (!result.fileError)
          io.err(
            `nothing imported: ${result.rows.filter((r) => r.status !== 'ok').length} of ${result.rows.length} rows need fixing`,
          );
      }
      return result.ok ? EXIT.OK : EXIT.USAGE;
    },
  },
  {
    path: ['tenants', 'add'],
    summary: 'Onboard one tenant by tenant id or domain.',
    usage: 'tenants add TENANT [--name NAME] [--region REGION] [--group GROUP] [--json]',
    allowPositionals: true,
    options: { name: { type: 'string' }, region: { type: 'string' }, group: { type: 'string' } },
    async run({ values, positionals }, io) {
      if (positionals.length !== 1) throw new UsageError('give exactly one tenant id or domain');
      const t = await withDb(async () => {
        const { addTenant } = await import('@/lib/tenants/add-tenant');
        return addTenant(
          {
            tenant: positionals[0]!,
            name: values.name as string | undefined,
            region: values.region as string | undefined,
            group: values.group as string | undefined,
          },
          { actor: cliActor() },
        );
      });
      if (values.json)
        io.out(
          JSON.stringify({
            ok: true,
            tenant: { id: t.id, entraTenantId: t.entraTenantId, displayName: t.displayName },
          }),
        );
      else io.err(`added ${t.displayName} (${t.entraTenantId}) as ${t.id}`);
      return EXIT.OK;
    },
  },
  {
    path: ['tenants', 'consent'],
    summary: 'Check consent and permissions in one tenant or all, and print admin-consent links where needed.',
    usage: 'tenants consent (--tenant ID | --all) [--json]',
    options: { tenant: { type: 'string' }, all: { type: 'boolean' } },
    async run({ values }, io) {
      if (Boolean(values.tenant) === Boolean(values.all)) throw new UsageError('give either --tenant ID or --all');
      const results = await withDb(async () => {
        const { db } = await import('@/lib/db');
        const { checkTenantConsent } = await import('@/lib/tenants/check-tenant-consent');
        const ids = values.all
          ? (await db.tenant.findMany({ select: { id: true }, orderBy: { displayName: 'asc' } })).map((t) => t.id)
          : [await tenantIdArg(values.tenant)];
        const out = [];
        for (const id of ids) out.push(await checkTenantConsent({ tenantId: id }, { actor: cliActor() }));
        return out;
      });
      if (values.json) io.out(JSON.stringify({ ok: results.every((r) => r.state === 'consented'), results }));
      else
        for (const r of results)
          io.out(
            `${r.tenantId}  ${r.state}  ${r.state === 'consented' ? r.detail : `${r.detail}${r.state === 'not_consented' ? '' : `\n    consent link: ${r.consentUrl}`}`}`,
          );
      return results.every((r) => r.state === 'consented') ? EXIT.OK : EXIT.FAILED;
    },
  },
  {
    path: ['tenants', 'scan'],
    summary: 'Discover connector apps and their credentials in one tenant or all.',
    usage: 'tenants scan (--tenant ID | --all) [--concurrency N] [--json]',
    options: { tenant: { type: 'string' }, all: { type: 'boolean' }, concurrency: { type: 'string' } },
    async run({ values }, io) {
      if (Boolean(values.tenant) === Boolean(values.all)) throw new UsageError('give either --tenant ID or --all');
      const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
        throw new UsageError('--concurrency must be an integer from 1 to 256');
      const results = await withDb(async () => {
        const { scanAllTenants } = await import('@/lib/tenants/scan-all-tenants');
        const tenantIds = values.tenant ? [await tenantIdArg(values.tenant)] : undefined;
        return scanAllTenants(
          { actor: cliActor() },
          {
            concurrency,
            tenantIds,
            skipNotConsented: !tenantIds,
            onResult: values.json
              ? undefined
              : (r) =>
                  io.err(
                    r.ok
                      ? `${r.name}: ${r.summary.connectors} connector(s), ${r.summary.credentials} credential(s), ${r.summary.changes.length} change(s)`
                      : `${r.name}: ${r.code} ${r.message}`,
                  ),
          },
        );
      });
      const failed = results.filter((r) => !r.ok).length;
      if (values.json) io.out(JSON.stringify({ ok: failed === 0, results }));
      else io.err(`scanned ${results.length} tenant(s), ${failed} failed`);
      return failed === 0 ? EXIT.OK : EXIT.FAILED;
    },
  },
];
