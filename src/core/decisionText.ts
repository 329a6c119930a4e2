/**
 * How a human decision reads wherever it is shown (terminal, `baton status`, the Runs view, Slack,
 * the journal's error texts): the verb, who, and why when they said — `rejected by alice: not today`,
 * `cancelled by bob@host (cli 4242): wrong branch`.
 */
export function decisionText(verb: string, by: string, reason?: string | null): string {
  return reason ? `${verb} by ${by}: ${reason}` : `${verb} by ${by}`;
}
