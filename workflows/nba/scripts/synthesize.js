#!/usr/bin/env node
// Step 5, "Claude synthesis": stands in for the second model pass, which turns the first pass's
// numbers into a headline, ranked findings and a short narrative. Deterministic templates over
// analysis.json, so the report is the same for the same data.
//   node synthesize.js --analysis analysis.json --out synthesis.json
'use strict';
const { parseArgs, required, readJson, writeJson, setOutputs, pct } = require('./lib');

const args = parseArgs();
const a = readJson(required(args, 'analysis'));
const name = (team) => a.team_names[team] ?? team;
const score = (g) => (g.home_pts > g.away_pts ? `${g.home} ${g.home_pts}–${g.away_pts} ${g.away}` : `${g.away} ${g.away_pts}–${g.home_pts} ${g.home}`);
const record = (s) => `${s.w}-${s.l}`;
const signed = (x) => (x > 0 ? `+${x.toFixed(1)}` : x.toFixed(1));

const first = a.standings[0];
const last = a.standings.at(-1);
const [top, second, third] = a.top_scorers;
const ts = a.leaders.true_shooting;
const focus = a.standings.find((s) => s.team === a.focus_team);
const focusPlayers = a.players.filter((p) => p.team === a.focus_team);

const findings = [];
findings.push({
  topic: 'Standings',
  text: `${first.name} lead at ${record(first)} (${pct(first.win_pct)}), ${signed(first.diff)} points per game; ${last.name} trail at ${record(last)}.`,
});
findings.push({
  topic: 'Scoring',
  text: `${top.name} (${top.team}) leads all scorers with ${top.ppg} ppg on ${pct(top.ts_pct)} true shooting` +
    (second && third ? `, ahead of ${second.name} (${second.ppg}) and ${third.name} (${third.ppg}).` : '.'),
});
if (ts) {
  findings.push({
    topic: 'Efficiency',
    text: ts.id === top.id
      ? `${ts.name} is also the most efficient high-volume scorer (${pct(ts.ts_pct)} TS at ${ts.ppg} ppg).`
      : `Most efficient high-volume scorer: ${ts.name} (${ts.team}), ${pct(ts.ts_pct)} TS at ${ts.ppg} ppg.`,
  });
}
if (a.advanced_stats === 'joined') {
  const { per, usage } = a.leaders;
  findings.push({
    topic: 'Advanced',
    text: `Highest PER: ${per.name} (${per.per.toFixed(1)}); heaviest usage: ${usage.name} (${usage.usage_pct}% USG, ${pct(usage.ts_pct)} TS).`,
  });
} else {
  findings.push({ topic: 'Advanced', text: 'Advanced stats were unavailable today; usage and PER are left out.' });
}
if (focus) {
  const best = focusPlayers[0];
  findings.push({
    topic: focus.name,
    text: `${record(focus)} (${pct(focus.win_pct)}), ${focus.last5} in their last five, ${focus.home} at home, current streak ${focus.streak}` +
      (best ? `; ${best.name} leads them with ${best.ppg} ppg.` : '.'),
  });
}
const b = a.best_individual_game;
findings.push({ topic: 'Best game', text: `${b.player} scored ${b.pts} against ${name(b.opponent)} on ${b.date}.` });
findings.push({ topic: 'Closest game', text: `${score(a.closest_game)} on ${a.closest_game.date}, decided by ${a.closest_game.margin}.` });

const headline = `${top.name} tops the scoring at ${top.ppg} ppg; ${first.name} (${record(first)}) lead the standings.`;
const lastNight = a.last_night.length > 0 ? `Last night: ${a.last_night.map(score).join(', ')}.` : `No games on ${a.window.through}.`;
const narrative = [
  `Across ${a.window.games} games from ${a.window.from} to ${a.window.through}, ${first.name} have been the class of the group: ` +
    `${record(first)} with a ${signed(first.diff)} point differential` +
    (Number(first.streak.slice(1)) >= 2 ? ` and a ${first.streak.startsWith('W') ? 'winning' : 'losing'} streak of ${first.streak.slice(1)}.` : '.'),
  `${top.name} carries the scoring load for ${name(top.team)} at ${top.ppg} points, ${top.rpg} rebounds and ${top.apg} assists a night.`,
  focus ? `For ${focus.name}, the story is ${focus.w >= focus.l ? 'holding serve' : 'a search for consistency'}: ${record(focus)} overall and ${focus.last5} lately.` : '',
  lastNight,
  `Caveat: ${a.window.games} games is a small sample; treat rates as directional.`,
].filter(Boolean).join(' ');

writeJson(required(args, 'out'), { model: args.model ?? 'claude (offline stand-in)', headline, findings, narrative, last_night: lastNight });
console.log(headline);
for (const f of findings) console.log(`- ${f.topic}: ${f.text}`);
setOutputs({ headline, findings: findings.length, path: args.out });
