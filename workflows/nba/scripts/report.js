#!/usr/bin/env node
// Step 6, "Generate markdown report": the daily report from the analysis and, when the second
// pass ran, its synthesis (otherwise the report says it fell back on the first pass). Prints the
// highlights and hands them to the Slack step as a multi-line output.
//   node report.js --analysis analysis.json [--synthesis synthesis.json] --run <id> --out-dir <dir>
// writes <dir>/report-<last day of the window>.md
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs, required, readJson, setOutputs, pct } = require('./lib');

const args = parseArgs();
const a = readJson(required(args, 'analysis'));
const synthesisFile = typeof args.synthesis === 'string' && fs.existsSync(args.synthesis) ? args.synthesis : undefined;
const s = synthesisFile ? readJson(synthesisFile) : undefined;

const out = path.join(required(args, 'out-dir'), `report-${a.window.through}.md`);
const one = (x) => (typeof x === 'number' ? x.toFixed(1) : '–');
const name = (team) => a.team_names[team] ?? team;
const score = (g) => (g.home_pts > g.away_pts ? `${g.home} ${g.home_pts}–${g.away_pts} ${g.away}` : `${g.away} ${g.away_pts}–${g.home_pts} ${g.home}`);
// Names and numbers come from data files: keep table cells from breaking the table.
const cell = (x) => String(x).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const row = (cells) => `| ${cells.map(cell).join(' | ')} |`;

const top = a.top_scorers[0];
const first = a.standings[0];
const focus = a.standings.find((t) => t.team === a.focus_team);
const headline = s?.headline ?? `${top.name} leads all scorers with ${top.ppg} ppg; ${first.name} (${first.w}-${first.l}) lead the standings.`;

const md = [];
md.push(`# NBA daily analysis — ${a.window.through}`, '');
md.push(`**${headline}**`, '');
md.push(`${a.window.games} games from ${a.window.from} to ${a.window.through} · run \`${args.run ?? 'manual'}\` · advanced stats ${a.advanced_stats}`, '');
if (a.last_night.length > 0) md.push('## Last night', '', ...a.last_night.map((g) => `- ${score(g)}`), '');
md.push('## Key findings', '');
if (s) md.push(...s.findings.map((f) => `- **${f.topic}.** ${f.text}`), '', s.narrative, '');
else md.push('_The synthesis pass did not run; these are the first pass\'s numbers only._', '');
md.push('## Standings', '', row(['#', 'Team', 'W', 'L', 'Win %', 'PPG', 'Opp PPG', 'Diff', 'Home', 'Away', 'Last 5', 'Streak']), row(Array(12).fill('---')));
a.standings.forEach((t, i) => md.push(row([i + 1, t.name, t.w, t.l, pct(t.win_pct), one(t.ppg), one(t.opp_ppg), (t.diff > 0 ? '+' : '') + one(t.diff), t.home, t.away, t.last5, t.streak])));
md.push('', '## Top scorers', '', row(['#', 'Player', 'Team', 'GP', 'MPG', 'PPG', 'RPG', 'APG', 'TS %', '3P %', 'PER', 'USG %']), row(Array(12).fill('---')));
a.top_scorers.forEach((p, i) => md.push(row([i + 1, p.name, p.team, p.gp, one(p.mpg), one(p.ppg), one(p.rpg), one(p.apg), pct(p.ts_pct), pct(p.fg3_pct), one(p.per), one(p.usage_pct)])));
md.push('', '## Leaders', '');
md.push(`- Rebounds: ${a.leaders.rebounds.name} (${a.leaders.rebounds.team}), ${a.leaders.rebounds.rpg} rpg`);
md.push(`- Assists: ${a.leaders.assists.name} (${a.leaders.assists.team}), ${a.leaders.assists.apg} apg`);
md.push(`- Highest-scoring game: ${score(a.highest_scoring)} on ${a.highest_scoring.date} (${a.highest_scoring.total} points)`);
md.push(`- Biggest margin: ${score(a.biggest_margin)} on ${a.biggest_margin.date} (by ${a.biggest_margin.margin})`);
md.push('', `_Analysis: ${a.model}. Synthesis: ${s ? s.model : 'skipped'}. Offline example data, not real NBA statistics._`, '');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, md.join('\n'));

const highlights = [
  headline,
  `• Top scorer: ${top.name} (${top.team}), ${top.ppg} ppg on ${pct(top.ts_pct)} TS`,
  `• Best record: ${first.name} ${first.w}-${first.l} (${pct(first.win_pct)})`,
  ...(focus ? [`• ${name(focus.team)}: ${focus.w}-${focus.l} (${pct(focus.win_pct)}), streak ${focus.streak}`] : []),
  ...(a.last_night.length > 0 ? [`• Last night: ${a.last_night.map(score).join(', ')}`] : []),
].join('\n');
console.log(`wrote ${out} (${md.length} lines)`);
console.log(highlights);
setOutputs({ path: out, headline, highlights });
