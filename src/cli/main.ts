import { parseArgs } from 'node:util';
import { isBatonError, type BatonErrorCode } from '../core/index';
import type { Command } from './command';
import { approveCommand } from './commands/approveCommand';
import { busCommand } from './commands/busCommand';
import { cancelCommand } from './commands/cancelCommand';
import { emitCommand } from './commands/emitCommand';
import { execCommand } from './commands/execCommand';
import { mcpCommand } from './commands/mcpCommand';
import { initCommand } from './commands/initCommand';
import { lspCommand } from './commands/lspCommand';
import { rerunCommand } from './commands/rerunCommand';
import { resumeCommand } from './commands/resumeCommand';
import { runCommand } from './commands/runCommand';
import { runsCommand } from './commands/runsCommand';
import { schedulesCommand } from './commands/schedulesCommand';
import { statusCommand } from './commands/statusCommand';
import { tailCommand } from './commands/tailCommand';
import { validateCommand } from './commands/validateCommand';
import { watchCommand } from './commands/watchCommand';
import { exitCodes, type CliIo } from './io';
import { UsageError } from './usageError';

/** Failures that mean the command was given something it cannot use: exit 2, like a usage error. */
const usageCodes = new Set<BatonErrorCode>(['usage', 'not_found', 'ambiguous', 'unreadable_file']);

/** Every `baton` command, in the order `baton --help` lists them. */
export const commands: Command[] = [
  runCommand,
  validateCommand,
  resumeCommand,
  rerunCommand,
  cancelCommand,
  statusCommand,
  runsCommand,
  approveCommand,
  emitCommand,
  tailCommand,
  execCommand,
  watchCommand,
  mcpCommand,
  lspCommand,
  initCommand,
  schedulesCommand,
  busCommand,
];

/** The whole CLI as a function: tests call it in-process; the bin only wires `process`. */
export async function main(argv: readonly string[], io: CliIo, table: readonly Command[] = commands): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(generalHelp(table));
    return name === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${process.env.BATON_VERSION ?? '0.1.0'}\n`);
    return exitCodes.ok;
  }
  const command = table.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`baton: unknown command '${name}'\n\n${generalHelp(table)}`);
    return exitCodes.usage;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      const beforeDashes = rest.indexOf('--') < 0 ? rest : rest.slice(0, rest.indexOf('--'));
      if (beforeDashes.includes('--help') || beforeDashes.includes('-h')) {
        io.stdout.write(commandHelp(command));
        return exitCodes.ok;
      }
    }
    const parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: command.allowPositionals, strict: true });
    return await command.run({ values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals }, io);
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`baton ${command.name}: ${(error as Error).message}\nusage: ${command.usage}\n`);
      return exitCodes.usage;
    }
    if (isBatonError(error)) {
      io.stderr.write(`baton ${command.name}: ${error.message}\n`);
      return usageCodes.has(error.code) ? exitCodes.usage : exitCodes.failed;
    }
    // A system call that failed (EACCES on the state folder, EIO, ...) is the user's to fix, not a
    // bug: its message names the call and the path in one line. Anything else is a bug: the stack helps.
    const systemError = typeof (error as NodeJS.ErrnoException).syscall === 'string';
    io.stderr.write(`baton ${command.name}: ${error instanceof Error ? (systemError ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
    return exitCodes.failed;
  }
}

function generalHelp(table: readonly Command[]): string {
  const width = Math.max(...table.map((c) => c.name.length));
  return [
    'baton — run, resume and approve YAML workflows; coordinate tools through one event log',
    '',
    'usage: baton <command> [options]',
    '',
    ...table.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `baton <command> --help` for its options.',
    'Exit codes: 0 success, 1 workflow failed or invalid, 2 usage error, 130 cancelled.',
    'State lives in ./.baton (or $WORKFLOW_STATE_DIR).',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const options = Object.entries(command.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' <value>' : ''}`;
    return `  ${flag}${o.multiple ? ' (repeatable)' : ''}`;
  });
  return [`${command.summary}`, '', `usage: ${command.usage}`, '', ...(options.length ? ['options:', ...options, '  -h, --help', ''] : []), ...(command.details ? [command.details, ''] : [])].join('\n');
}
