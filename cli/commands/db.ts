import { EXIT, type Command } from '../command';
import { withDb } from '../with-db';
import { migrateDatabase } from '@/lib/runtime/migrate';

export const dbCommands: Command[] = [
  {
    path: ['db', 'migrate'],
    summary: 'Apply database migrations (a no-op when the schema is up to date).',
    usage: 'db migrate [--json]',
    async run({ values }, io) {
      const { applied } = await withDb((url) => migrateDatabase(url));
      if (values.json) io.out(JSON.stringify({ ok: true, applied }));
      else io.err(applied.length ? `applied: ${applied.join(', ')}` : 'database schema is up to date');
      return EXIT.OK;
    },
  },
  {
    path: ['db', 'seed'],
    summary: 'Load default connector types and settings, and the demo fleet when running on the simulator.',
    usage: 'db seed [--if-empty] [--json]',
    options: { 'if-empty': { type: 'boolean' } },
    async run({ values }, io) {
      const result = await withDb(async (url) => {
        await migrateDatabase(url);
        const { db } = await import('@/lib/db');
        const { seedDatabase } = await import('@/lib/seed/seed-database');
        return seedDatabase(db, {
          ifEmpty: Boolean(values['if-empty']),
          manifestPath: process.env.REKEY_DEMO_MANIFEST,
        });
      });
      if (values.json) io.out(JSON.stringify({ ok: true, ...result }));
      else io.err(result.skipped ? 'already seeded; nothing to do' : `seeded: ${JSON.stringify(result)}`);
      return EXIT.OK;
    },
  },
];
