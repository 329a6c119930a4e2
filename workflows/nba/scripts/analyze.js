#!/usr/bin/env node
// Step 4, "DeepSeek analysis": stands in for the first model pass. Deterministic: standings, win
// rates, streaks, per-player averages, true shooting, leaders, notable games. Advanced stats are
// joined in when step 3 produced them (it may fail without failing the run).
//   node analyze.js --games games.json --players players.json [--advanced advanced.json] --focus LAL --out analysis.json
'use strict';
const fs = require('node:fs');
const { parseArgs, required, readJson, writeJson, setOutputs, round, pct } = require('./lib');

const args = parseArgs();
const { from, through, teams, games } = readJson(required(args, 'games'));
const { players, box_scores: lines } = readJson(required(args, 'players'));
const advancedFile = typeof args.advanced === 'string' && fs.existsSync(args.advanced) ? args.advanced : undefined;
const advanced = new Map(advancedFile ? readJson(advancedFile).rows.map((r) => [r.player_id, r]) : []);
const focus = required(args, 'focus');
const teamName = new Map(teams.map((t) => [t.team, t.name]));

// ---- teams -------------------------------------------------------------------------------
const table = new Map(teams.map((t) => [t.team, { team: t.team, name: t.name, w: 0, l: 0, home_w: 0, home_l: 0, pts: 0, opp: 0, results: [] }]));
for (const g of games) {
  for (const [side, other, home] of [[g.home, g.away, true], [g.away, g.home, false]]) {
    const row = table.get(side);
    if (!row) continue;
    const scored = home ? g.home_pts : g.away_pts;
    const allowed = home ? g.away_pts : g.home_pts;
    const won = scored > allowed;
    row[won ? 'w' : 'l']++;
    if (home) row[won ? 'home_w' : 'home_l']++;
    row.pts += scored;
    row.opp += allowed;
    row.results.push({ date: g.date, opponent: other, won, scored, allowed });
  }
}
const standings = [...table.values()]
  .filter((r) => r.w + r.l > 0)
  .map((r) => {
    const gp = r.w + r.l;
    const last5 = r.results.slice(-5);
    let streak = 0;
    const lastWon = r.results.at(-1).won;
    for (let i = r.results.length - 1; i >= 0 && r.results[i].won === lastWon; i--) streak++;
    return {
      team: r.team,
      name: r.name,
      gp,
      w: r.w,
      l: r.l,
      win_pct: round(r.w / gp, 3),
      ppg: round(r.pts / gp),
      opp_ppg: round(r.opp / gp),
      diff: round((r.pts - r.opp) / gp),
      home: `${r.home_w}-${r.home_l}`,
      away: `${r.w - r.home_w}-${r.l - r.home_l}`,
      last5: `${last5.filter((x) => x.won).length}-${last5.filter((x) => !x.won).length}`,
      streak: `${lastWon ? 'W' : 'L'}${streak}`,
    };
  })
  .sort((a, b) => b.win_pct - a.win_pct || b.diff - a.diff || a.team.localeCompare(b.team));

// ---- players -----------------------------------------------------------------------------
const byPlayer = new Map(players.map((p) => [p.id, []]));
for (const line of lines) byPlayer.get(line.player_id)?.push(line);
const sum = (rows, key) => rows.reduce((s, r) => s + r[key], 0);
const averages = players
  .map((p) => {
    const rows = byPlayer.get(p.id);
    const gp = rows.length;
    if (gp === 0) return undefined;
    const pts = sum(rows, 'pts');
    const tsa = sum(rows, 'fga') + 0.44 * sum(rows, 'fta');
    const adv = advanced.get(p.id);
    const best = rows.reduce((a, b) => (b.pts > a.pts ? b : a));
    return {
      id: p.id,
      name: p.name,
      team: p.team,
      position: p.position,
      gp,
      mpg: round(sum(rows, 'min') / gp),
      ppg: round(pts / gp),
      rpg: round(sum(rows, 'reb') / gp),
      apg: round(sum(rows, 'ast') / gp),
      ts_pct: tsa > 0 ? round(pts / (2 * tsa), 3) : 0,
      fg3_pct: sum(rows, 'fg3a') > 0 ? round(sum(rows, 'fg3m') / sum(rows, 'fg3a'), 3) : 0,
      best_game: { game_id: best.game_id, pts: best.pts },
      ...(adv ? { usage_pct: adv.usage_pct, per: adv.per, net_rating: adv.net_rating } : {}),
    };
  })
  .filter(Boolean)
  .sort((a, b) => b.ppg - a.ppg || a.name.localeCompare(b.name));

const leader = (key, filter = () => true) => [...averages].filter(filter).sort((a, b) => b[key] - a[key] || a.name.localeCompare(b.name))[0];
const gameById = new Map(games.map((g) => [g.game_id, g]));
const describeGame = (g) => ({ game_id: g.game_id, date: g.date, home: g.home, away: g.away, home_pts: g.home_pts, away_pts: g.away_pts, margin: Math.abs(g.home_pts - g.away_pts), total: g.home_pts + g.away_pts });
const bestLine = lines.reduce((a, b) => (b.pts > a.pts || (b.pts === a.pts && b.game_id < a.game_id) ? b : a));
const bestGame = gameById.get(bestLine.game_id);
const bestPlayer = players.find((p) => p.id === bestLine.player_id);

const analysis = {
  model: args.model ?? 'deepseek (offline stand-in)',
  window: { from, through, games: games.length },
  focus_team: focus,
  advanced_stats: advancedFile ? 'joined' : 'unavailable',
  standings,
  players: averages,
  top_scorers: averages.slice(0, 5),
  leaders: {
    points: leader('ppg'),
    rebounds: leader('rpg'),
    assists: leader('apg'),
    true_shooting: leader('ts_pct', (p) => p.ppg >= 15),
    ...(advancedFile ? { per: leader('per'), usage: leader('usage_pct') } : {}),
  },
  best_individual_game: {
    player: bestPlayer.name,
    team: bestLine.team,
    pts: bestLine.pts,
    opponent: bestGame.home === bestLine.team ? bestGame.away : bestGame.home,
    date: bestGame.date,
  },
  closest_game: describeGame([...games].sort((a, b) => Math.abs(a.home_pts - a.away_pts) - Math.abs(b.home_pts - b.away_pts))[0]),
  biggest_margin: describeGame([...games].sort((a, b) => Math.abs(b.home_pts - b.away_pts) - Math.abs(a.home_pts - a.away_pts))[0]),
  highest_scoring: describeGame([...games].sort((a, b) => b.home_pts + b.away_pts - (a.home_pts + a.away_pts))[0]),
  last_night: games.filter((g) => g.date === through).map(describeGame),
  team_names: Object.fromEntries(teamName),
};
writeJson(required(args, 'out'), analysis);

const top = analysis.top_scorers[0];
const first = standings[0];
const mine = standings.find((s) => s.team === focus);
console.log(`${games.length} games, ${averages.length} players, advanced stats ${analysis.advanced_stats}`);
console.log(`top scorer: ${top.name} (${top.team}) ${top.ppg} ppg, TS ${pct(top.ts_pct)}`);
console.log(`best record: ${first.name} ${first.w}-${first.l}`);
setOutputs({
  top_scorer: top.name,
  top_scorer_team: top.team,
  top_scorer_ppg: top.ppg,
  best_team: first.team,
  best_record: `${first.w}-${first.l}`,
  best_win_pct: pct(first.win_pct),
  focus_record: mine ? `${mine.w}-${mine.l}` : 'no games',
  path: args.out,
});
