import { EXIT, type Command } from '../command';
import { startProgress } from '../progress';
import { withRuntime } from '../session';

export const dbCommands: Command[] = [
  {
    path: ['db', 'migrate'],
    summary: 'Apply database migrations (a no-op when the schema is up to date).',
    usage: 'db migrate [--json]',
    async run({ values }, io) {
      // Migrates the configured database, a running npm start's, or starts the embedded one for this.
      const { applied } = await withRuntime(
        values,
        async (ctx) => (await import('@/lib/runtime/migrate')).migrateDatabase(ctx.runtime.databaseUrl),
        { startDatabase: true, checkVault: false },
      );
      if (values.json) io.out(JSON.stringify({ ok: true, applied }));
      else io.err(applied.length ? `applied: ${applied.join(', ')}` : 'database schema is up to date');
      return EXIT.OK;
    },
  },
  {
    path: ['db', 'seed'],
    summary: 'Load default connector types and settings, and the demo fleet when running on the simulator.',
    usage: 'db seed [--if-empty] [--onboard-later] [--json]',
    options: { 'if-empty': { type: 'boolean' }, 'onboard-later': { type: 'boolean' } },
    async run({ values }, io) {
      const result = await withRuntime(
        values,
        async (ctx) => {
          const { seedDatabase } = await import('@/lib/seed/seed-database');
          return seedDatabase(ctx.db, {
            ifEmpty: Boolean(values['if-empty']),
            onboardLater: Boolean(values['onboard-later']),
            manifestPath: process.env.REKEY_DEMO_MANIFEST,
          });
        },
        { startDatabase: true, migrate: true },
      );
      if (values.json) io.out(JSON.stringify({ ok: true, ...result }));
      else io.err(result.skipped ? 'already seeded; nothing to do' : `seeded: ${JSON.stringify(result)}`);
      return EXIT.OK;
    },
  },
  {
    path: ['db', 'onboard'],
    summary: "Finish the demo fleet's onboarding (consent checks, scans) when it is pending, with progress.",
    usage: 'db onboard [--json]',
    async run({ values }, io) {
      const ran = await withRuntime(values, async (ctx) => {
        // Set by npm start for its children, or from its runtime description (demo mode only).
        const manifestPath = process.env.REKEY_DEMO_MANIFEST;
        const demo = await import('@/demo/seed-demo-fleet');
        if (!manifestPath || !(await demo.demoOnboardingPending(ctx.db))) return false;
        // Progress on stderr in both modes (stdout keeps only the --json answer).
        await demo.onboardDemoFleet(ctx.db, manifestPath, {
          say: values.json ? undefined : (line) => io.err(line),
          display: (label, total) => startProgress(label, total),
        });
        return true;
      });
      if (values.json) io.out(JSON.stringify({ ok: true, onboarded: ran }));
      else if (!ran) io.err('nothing to onboard');
      return EXIT.OK;
    },
  },
];
