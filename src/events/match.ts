/**
 * Event filters, shared by `on.events` triggers and the `wait_for_event` action:
 * `{ type: "process.*", source: "*pycharm*", where: { "data.exit_code": 0 } }`.
 * Globs are core's `'name'` syntax: only `*` (any run of characters, dots and slashes included) and
 * `?` (one character); everything else is literal, so a filter can never be an invalid pattern.
 */
import { isDeepStrictEqual } from 'node:util';
import { globToRegExp } from '../core/index';
import type { BatonEvent } from './event';

export interface EventFilter {
  /** Glob on the event's `type`. @default any type */
  type?: string;
  /** Glob on the event's `source`. @default any source */
  source?: string;
  /**
   * Dotted paths into the event (`data.exit_code`, `subject`, `runid`) and the values they must equal.
   * Equality is strict and structural: `0` does not match `"0"`. @default no condition
   */
  where?: Record<string, unknown>;
}

export type EventPredicate = (event: BatonEvent) => boolean;

/** Reads a dotted path; `undefined` when any segment is missing. Keys containing dots cannot be addressed. */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Compiles a filter once (a trigger runner tests every line of the log against every trigger). */
export function compileFilter(filter: EventFilter): EventPredicate {
  const type = filter.type === undefined ? undefined : globToRegExp(filter.type, { syntax: 'name' });
  const source = filter.source === undefined ? undefined : globToRegExp(filter.source, { syntax: 'name' });
  const where = Object.entries(filter.where ?? {});
  return (event) =>
    (type === undefined || type.test(event.type)) &&
    (source === undefined || source.test(event.source)) &&
    where.every(([path, expected]) => isDeepStrictEqual(readPath(event, path), expected));
}

/**
 * For a filter on a type that starts with literal text (`baton.run.cancel_requested`,
 * `baton.approval.*`), a test of a raw log line that is false only when the line cannot hold a
 * matching event: that text is not in it, and it has no escape (`\u0063` could spell a letter).
 * A run follows the log for a cancel all along; this spares it parsing every event it wrote.
 */
export function lineMayMatch(filter: EventFilter): ((line: string) => boolean) | undefined {
  const literal = /^[^*?[\]\\{]*/.exec(filter.type ?? '')?.[0] ?? '';
  if (literal === '') return undefined;
  return (line) => line.includes(literal) || line.includes('\\');
}

/** One-shot form of {@link compileFilter}. */
export function matchesEvent(filter: EventFilter, event: BatonEvent): boolean {
  return compileFilter(filter)(event);
}
