import { EXIT, runCommand, type CliIO, type Command } from './command';
import { commands } from './commands';

const stdio: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

export function helpText(list: Command[] = commands): string {
  const width = Math.max(...list.map((c) => c.path.join(' ').length));
  const lines = list.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return `rekey — rotate vendor connector certificates across Microsoft 365 tenants\n\nusage: rekey <command> [options]   (every command takes --help and --json)\n\ncommands:\n${lines.join('\n')}\n`;
}

/** Picks the command whose path is the longest prefix of argv. */
export async function main(argv: string[], io: CliIO = stdio, list: Command[] = commands): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? io.err : io.out)(helpText(list));
    return argv.length === 0 ? EXIT.USAGE : EXIT.OK;
  }
  const match = list
    .filter((c) => c.path.every((w, i) => argv[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!match) {
    io.err(`unknown command: ${argv.join(' ')}\n\n${helpText(list)}`);
    return EXIT.USAGE;
  }
  return runCommand(match, argv.slice(match.path.length), io);
}
