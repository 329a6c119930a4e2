import { globToRegExp } from '../core/index';
import type { SlackInput } from './slackInput';

/**
 * Which event types go to Slack when nobody says otherwise: what a team acts on (failures,
 * approvals) and what it waits for (completions), not the chatter of every step.
 */
export const defaultSlackTypes: readonly string[] = [
  'baton.workflow.completed',
  'baton.workflow.failed',
  'baton.workflow.cancelled',
  'baton.step.failed',
  'baton.approval.requested',
  'process.completed',
  'process.failed',
];

/**
 * Our own failure reports must never be sent (they are emitted *because* sending failed; a
 * `baton watch` forwarding `*` would otherwise loop), whatever the configured list says.
 */
const neverSent = /^baton\.notification\./;

export type TypeFilter = (type: string) => boolean;

/**
 * Compiles a list of type globs (core's `'name'` syntax: `*` matches any run of characters, dots
 * included, `?` one character); a leading `!` excludes. A type is sent when some positive pattern matches and no
 * negative one does, so `["baton.*", "!baton.step.*"]` reads as it sounds.
 */
export function compileTypeFilter(patterns: readonly string[] = defaultSlackTypes): TypeFilter {
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const raw of patterns) {
    const pattern = raw.trim();
    if (pattern === '' || pattern === '!') continue;
    if (pattern.startsWith('!')) exclude.push(globToRegExp(pattern.slice(1), { syntax: 'name' }));
    else include.push(globToRegExp(pattern, { syntax: 'name' }));
  }
  return (type) => !neverSent.test(type) && include.some((r) => r.test(type)) && !exclude.some((r) => r.test(type));
}

/** The whole decision for one input: the workflow's `notify_slack` switch, then the type list. */
export function shouldNotify(input: SlackInput, filter: TypeFilter): boolean {
  if (input.notifySlack === false) return false;
  return filter(input.type);
}
