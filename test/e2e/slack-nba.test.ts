/**
 * The NBA example (workflows/nba_data_synthesis.yaml) on a fresh copy, offline, with no webhook:
 * it validates, runs its 7 steps, writes the markdown report, and its Slack message — in the
 * outbox — carries the report's highlights. The expected top scorer and best record are computed
 * here from the shipped data files, independently of the example's scripts.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cliEnv, describeResult, onlyRunId, repoRoot, runCli, stateDirOf, statusJson, tempDir } from '../support/cli';

const workflowFile = 'workflows/nba_data_synthesis.yaml';

/** A fresh copy of the example: the workflow file and workflows/nba (data and scripts). */
function copyExample(t: TestContext): string {
  const cwd = tempDir(t, 'baton-nba-');
  cpSync(join(repoRoot, workflowFile), join(cwd, workflowFile));
  cpSync(join(repoRoot, 'workflows', 'nba'), join(cwd, 'workflows', 'nba'), { recursive: true });
  return cwd;
}

function csv(path: string): Array<Record<string, string>> {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const keys = head!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [keys[i], cell])));
}

/** What the data says, computed the plain way: points per game played, wins per team. */
function expectedHighlights(dataDir: string): { topScorer: string; topScorerRow: RegExp; bestRecord: string } {
  const players = (JSON.parse(readFileSync(join(dataDir, 'players.json'), 'utf8')) as { players: Array<{ id: string; name: string; team: string }> }).players;
  const totals = new Map<string, { pts: number; gp: number }>();
  for (const line of csv(join(dataDir, 'box_scores.csv'))) {
    const total = totals.get(line.player_id!) ?? { pts: 0, gp: 0 };
    total.pts += Number(line.pts);
    total.gp += 1;
    totals.set(line.player_id!, total);
  }
  const [bestId, best] = [...totals.entries()].sort((a, b) => b[1].pts / b[1].gp - a[1].pts / a[1].gp)[0]!;
  const player = players.find((p) => p.id === bestId)!;

  const record = new Map<string, { w: number; l: number }>();
  for (const g of csv(join(dataDir, 'games.csv'))) {
    const homeWon = Number(g.home_pts) > Number(g.away_pts);
    for (const [team, won] of [[g.home!, homeWon], [g.away!, !homeWon]] as const) {
      const r = record.get(team) ?? { w: 0, l: 0 };
      if (won) r.w++;
      else r.l++;
      record.set(team, r);
    }
  }
  const [team, r] = [...record.entries()].sort((a, b) => b[1].w - a[1].w)[0]!;
  const name = csv(join(dataDir, 'teams.csv')).find((x) => x.team === team)!.name;
  const ppg = (best.pts / best.gp).toFixed(1);
  return {
    topScorer: `${player.name} (${player.team}), ${ppg} ppg`,
    // | # | Player | Team | GP | MPG | PPG | ...
    topScorerRow: new RegExp(`^\\| 1 \\| ${player.name} \\| ${player.team} \\| ${best.gp} \\| [\\d.]+ \\| ${ppg.replace('.', '\\.')} \\|`, 'm'),
    bestRecord: `${name} ${r.w}-${r.l}`,
  };
}

interface OutboxRecord {
  type: string;
  payload: { text: string; attachments: Array<{ blocks: Array<{ type: string; text?: { text: string } }> }> };
}

function outbox(cwd: string): OutboxRecord[] {
  return readFileSync(join(stateDirOf(cwd), 'slack-outbox.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as OutboxRecord);
}

function sectionText(record: OutboxRecord): string {
  return record.payload.attachments
    .flatMap((a) => a.blocks)
    .map((b) => b.text?.text ?? '')
    .join('\n');
}

test('the NBA example runs offline: 7 steps, a markdown report, and an outbox message with the top scorer', async (t) => {
  const cwd = copyExample(t);
  const env = cliEnv(cwd);
  const expected = expectedHighlights(join(cwd, 'workflows', 'nba', 'data'));

  const validated = await runCli(t, ['validate', workflowFile], { cwd, env });
  assert.equal(validated.code, 0, describeResult(validated));

  const result = await runCli(t, ['run', workflowFile], { cwd, env });
  assert.equal(result.code, 0, describeResult(result));
  const runId = onlyRunId(stateDirOf(cwd));
  const status = await statusJson(t, cwd, runId, env);
  assert.equal(status.status, 'completed');
  assert.deepEqual(
    status.steps.map((s) => [s.id, s.status]),
    ['games', 'players', 'advanced', 'analysis', 'synthesis', 'report', 'slack'].map((id) => [id, 'completed']),
  );
  assert.equal(stepOutputs(status, 'games').games, '30');
  assert.equal(stepOutputs(status, 'players').players, '20');

  const reportPath = join(cwd, '.baton', 'nba', 'report-2025-01-31.md');
  const report = readFileSync(reportPath, 'utf8');
  assert.match(report, /^# NBA daily analysis — 2025-01-31$/m);
  assert.match(report, expected.topScorerRow, 'the top scorers table starts with the top scorer');
  assert.ok(report.includes(`run \`${runId}\``));
  assert.match(report, /## Standings\n\n\| # \| Team/);

  const notify = outbox(cwd).filter((r) => r.type === 'baton.notify');
  assert.equal(notify.length, 1, 'one explicit Slack message');
  const text = sectionText(notify[0]!);
  assert.ok(text.includes(`Top scorer: ${expected.topScorer}`), `the Slack message names the top scorer (${expected.topScorer}):\n${text}`);
  assert.ok(text.includes(`Best record: ${expected.bestRecord}`), `and the best record (${expected.bestRecord}):\n${text}`);
  assert.match(text, /\*NBA daily report — 2025-01-31\*/);
  assert.match(text, /Full report: \.baton\/nba\/report-2025-01-31\.md/);
  assert.match(text, /\*Next steps\*\n• Read the full report in \.baton\/nba\/report-2025-01-31\.md/);
  assert.match(notify[0]!.payload.text, /^✅ NBA data synthesis: \*NBA daily report/);
  // The lifecycle message for the run goes to the outbox too.
  assert.ok(outbox(cwd).some((r) => r.type === 'baton.workflow.completed'));
});

test('the NBA example without its advanced stats still reports (continue_on_failure), and says what it left out', async (t) => {
  const cwd = copyExample(t);
  const env = cliEnv(cwd);
  const expected = expectedHighlights(join(cwd, 'workflows', 'nba', 'data'));
  rmSync(join(cwd, 'workflows', 'nba', 'data', 'advanced_stats.json'));

  const result = await runCli(t, ['run', workflowFile], { cwd, env });
  assert.equal(result.code, 0, describeResult(result));
  const status = await statusJson(t, cwd, onlyRunId(stateDirOf(cwd)), env);
  assert.deepEqual(
    status.steps.map((s) => [s.id, s.status]),
    [['games', 'completed'], ['players', 'completed'], ['advanced', 'failed'], ['analysis', 'completed'], ['synthesis', 'completed'], ['report', 'completed'], ['slack', 'completed']],
  );
  assert.equal(status.steps.find((s) => s.id === 'advanced')!.attempt, 2, 'retried once before giving up');

  const report = readFileSync(join(cwd, '.baton', 'nba', 'report-2025-01-31.md'), 'utf8');
  assert.match(report, /advanced stats unavailable/);
  assert.match(report, /Advanced stats were unavailable today/);
  assert.ok(!existsSync(join(cwd, '.baton', 'nba', 'advanced.json')));

  const records = outbox(cwd);
  assert.deepEqual(records.map((r) => r.type), ['baton.step.failed', 'baton.notify', 'baton.workflow.completed']);
  assert.match(sectionText(records[0]!), /cannot read .*advanced_stats\.json: ENOENT/);
  assert.ok(sectionText(records[1]!).includes(`Top scorer: ${expected.topScorer}`));
});

function stepOutputs(status: Awaited<ReturnType<typeof statusJson>>, id: string): Record<string, unknown> {
  return status.steps.find((s) => s.id === id)!.outputs;
}
