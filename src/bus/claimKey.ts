import { createHash } from 'node:crypto';

/** A KV key for one claim: readable ids stay readable, anything a key cannot hold is hashed. */
export function claimKey(eventId: string, workflowId: string): string {
  return `${part(eventId)}.${part(workflowId)}`;
}

function part(value: string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : `h-${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
}
