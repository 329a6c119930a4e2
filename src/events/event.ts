/**
 * The event model of the shared log: CloudEvents 1.0 in the structured JSON format, one object per
 * line, with Baton's extension attributes. `schemas/event.schema.json` is the single source of truth
 * for what a valid line is; this file only adds constructors and the line parser.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { LifecycleEvent } from '../core/index';
import eventSchema from '../../schemas/event.schema.json';

export interface BatonEvent {
  specversion: '1.0';
  /** A ULID for events Baton creates; any non-empty string from other producers. */
  id: string;
  /** `baton://<host>/<kind>/<pid>` for Baton's own processes. */
  source: string;
  type: string;
  /** RFC 3339 time. */
  time?: string;
  /** The run id for lifecycle and approval events. */
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  runid?: string;
  workflowid?: string;
  stepid?: string;
  /** Id of the event that caused this one (the trigger of the emitting run). */
  causationid?: string;
  /** Trigger depth: 0 for an event no triggered run caused. */
  chaindepth?: number;
  /** Extension attributes from other producers are kept as they are. */
  [extension: string]: unknown;
}

/** Options of {@link createEvent}: the attributes that are not `type` and `data`. */
export interface CreateEventOptions {
  /** @default defaultSource('cli') */
  source?: string;
  /** @default a new ULID */
  id?: string;
  /** @default the current time */
  time?: Date | string;
  subject?: string;
  /** @default 'application/json' when `data` is given */
  datacontenttype?: string;
  runid?: string;
  workflowid?: string;
  stepid?: string;
  causationid?: string;
  chaindepth?: number;
  /** The run that called this event's run (`action: workflow`). */
  parentrunid?: string;
}

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID: 48 bits of milliseconds then 80 random bits, 26 Crockford base32 characters. Ids sort by
 * creation time as plain strings (across processes and languages: the Python client makes the same),
 * and 80 random bits make a collision between writers practically impossible without coordination.
 */
export function newEventId(nowMs: number = Date.now()): string {
  let time = '';
  let t = Math.max(0, Math.floor(nowMs));
  for (let i = 0; i < 10; i++) {
    time = crockford[t % 32] + time;
    t = Math.floor(t / 32);
  }
  // 80 random bits from randomUUID, which draws from a cached entropy pool: ~20x cheaper than a
  // randomBytes(10) call, and an emitter's budget is 20,000 events/s. Its first 12 and last 12 hex
  // digits are fully random (the middle holds the version and variant).
  const uuid = randomUUID();
  const hex = uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(24, 32);
  let out = time;
  for (let i = 0; i < 20; i += 5) {
    const v = parseInt(hex.slice(i, i + 5), 16); // 20 bits = 4 characters
    out += crockford[(v >> 15) & 31]! + crockford[(v >> 10) & 31]! + crockford[(v >> 5) & 31]! + crockford[v & 31]!;
  }
  return out;
}

/** The milliseconds a ULID was created at, or undefined if `id` is not a ULID. */
export function eventIdTime(id: string): number | undefined {
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id)) return undefined;
  let t = 0;
  for (const ch of id.slice(0, 10)) t = t * 32 + crockford.indexOf(ch);
  return t;
}

/** `baton://<host>/<kind>/<pid>`: which machine and process wrote an event. */
export function defaultSource(kind = 'cli', pid: number = process.pid): string {
  return `baton://${encodeURIComponent(hostname())}/${encodeURIComponent(kind)}/${pid}`;
}

/** Builds an event with a fresh id and the current time; attributes left undefined are omitted. */
export function createEvent(type: string, data?: unknown, opts: CreateEventOptions = {}): BatonEvent {
  const time = opts.time instanceof Date ? opts.time.toISOString() : (opts.time ?? new Date().toISOString());
  const event: BatonEvent = {
    specversion: '1.0',
    id: opts.id ?? newEventId(),
    source: opts.source ?? defaultSource('cli'),
    type,
    time,
  };
  if (opts.subject !== undefined) event.subject = opts.subject;
  if (data !== undefined) {
    event.datacontenttype = opts.datacontenttype ?? 'application/json';
    event.data = data;
  } else if (opts.datacontenttype !== undefined) {
    event.datacontenttype = opts.datacontenttype;
  }
  if (opts.runid !== undefined) event.runid = opts.runid;
  if (opts.workflowid !== undefined) event.workflowid = opts.workflowid;
  if (opts.stepid !== undefined) event.stepid = opts.stepid;
  if (opts.causationid !== undefined) event.causationid = opts.causationid;
  if (opts.chaindepth !== undefined) event.chaindepth = opts.chaindepth;
  if (opts.parentrunid !== undefined) event.parentrunid = opts.parentrunid;
  return event;
}

/**
 * The shared-log form of an engine lifecycle event. The subject is the run id, so readers that know
 * only CloudEvents can still group by run; the workflow's display name travels in `data`.
 */
export function fromLifecycle(
  e: LifecycleEvent,
  source: string,
  chain: { causationid?: string; chaindepth?: number; parentrunid?: string } = {},
): BatonEvent {
  // Object.assign, not spreads: this runs for every lifecycle event, and on Node 20 object
  // spreads on a hot path end up as old-generation garbage (see core's lifecycleRecord).
  const options: CreateEventOptions = { source, time: e.time, subject: e.runId, runid: e.runId, workflowid: e.workflowId };
  if (e.stepId !== undefined) options.stepid = e.stepId;
  return createEvent(e.type, Object.assign({ workflowName: e.workflowName }, e.data), Object.assign(options, chain));
}

/** Why a line of the log is not an event: data, so readers can report it with its position. */
export interface EventLineError {
  code: 'bad_json' | 'not_an_event';
  message: string;
}

export type ParsedEventLine = { event: BatonEvent; error?: undefined } | { event?: undefined; error: EventLineError };

// Compiled once when the module loads: every tailer of every process validates each line it reads.
const ajv = new Ajv2020({ strict: true, strictRequired: false, validateFormats: true });
addFormats(ajv);
const validateEvent = ajv.compile(eventSchema);

/** Parses and validates one line (without its newline). Never throws. */
export function parseEventLine(line: string): ParsedEventLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { error: { code: 'bad_json', message: error instanceof Error ? error.message : String(error) } };
  }
  return validateEventObject(value);
}

/** Validates an already-parsed value against `schemas/event.schema.json`. */
export function validateEventObject(value: unknown): ParsedEventLine {
  if (validateEvent(value)) return { event: value as BatonEvent };
  const first = validateEvent.errors?.[0];
  const where = first?.instancePath ? first.instancePath : '(event)';
  const message = first ? `${where} ${first.message ?? 'is invalid'}` : 'not a CloudEvent';
  return { error: { code: 'not_an_event', message } };
}
