import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './io';

/** One `baton <name>` command, declared as data: main.ts builds help and parsing from it. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Extra help text: examples, notes. */
  details?: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether positionals after the options are allowed (and `--` passes the rest through). */
  allowPositionals: boolean;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}
