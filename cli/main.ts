import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, runCommand, type CliIO, type Command } from './command';
import { commands } from './commands';

const stdio: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

export function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function table(list: Command[]): string {
  const width = Math.max(...list.map((c) => c.path.join(' ').length));
  return list.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`).join('\n');
}

export function helpText(list: Command[] = commands): string {
  return `rekey ${version()} — rotate vendor connector certificates across Microsoft 365 tenants

usage: rekey <command> [options]      rekey help <command>      rekey --version

Every command takes --help and --json (JSON on stdout; messages on stderr). Exit codes: 0 success,
1 the operation failed, 2 bad usage. Beside a running \`npm start\` the commands find its database
and Microsoft 365 settings by themselves; elsewhere set DATABASE_URL and the REKEY_* variables.

commands:
${table(list)}
`;
}

function groupHelp(words: string[], members: Command[]): string {
  return `usage: rekey ${words.join(' ')} <command> [options]\n\ncommands:\n${table(members)}\n\nrekey ${words.join(' ')} <command> --help shows one command's options.`;
}

/** Picks the command whose path is the longest prefix of argv; help, version and command groups. */
export async function main(argv: string[], io: CliIO = stdio, list: Command[] = commands): Promise<number> {
  const [first] = argv;
  if (first === undefined) {
    io.err(helpText(list));
    return EXIT.USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.out(helpText(list));
    return EXIT.OK;
  }
  if (first === '--version' || first === '-V' || first === 'version') {
    io.out(`rekey ${version()}`);
    return EXIT.OK;
  }
  if (first === 'help') {
    // `rekey help COMMAND…` is `rekey COMMAND… --help`.
    if (argv.length === 1) {
      io.out(helpText(list));
      return EXIT.OK;
    }
    return main([...argv.slice(1), '--help'], io, list);
  }
  const match = list
    .filter((c) => c.path.every((w, i) => argv[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (match) return runCommand(match, argv.slice(match.path.length), io);

  // A group (`rekey campaign`, `rekey tenants --help`) or an unknown command.
  const words = argv.filter((a) => !a.startsWith('-'));
  for (let n = words.length; n > 0; n--) {
    const prefix = words.slice(0, n);
    if (!prefix.every((w, i) => argv[i] === w)) continue;
    const members = list.filter((c) => c.path.length > n && prefix.every((w, i) => c.path[i] === w));
    if (members.length === 0) continue;
    const wantsHelp = argv.includes('--help') || argv.includes('-h');
    if (wantsHelp && n === words.length) {
      io.out(groupHelp(prefix, members));
      return EXIT.OK;
    }
    const unknown = words[n];
    io.err(
      unknown !== undefined
        ? `error: unknown command "rekey ${prefix.join(' ')} ${unknown}"\n${groupHelp(prefix, members)}`
        : `error: "rekey ${prefix.join(' ')}" needs a command\n${groupHelp(prefix, members)}`,
    );
    return EXIT.USAGE;
  }
  const named = argv.filter((a) => a !== '--help' && a !== '-h').join(' ');
  io.err(`error: unknown command "${named}"; run rekey --help for the list of commands`);
  return EXIT.USAGE;
}
