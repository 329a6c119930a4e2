#!/usr/bin/env node
// Writes the small, synthetic dataset in ../data (run once; the files are committed). Team
// abbreviations are the NBA's; players, scores and box scores are invented, from a seeded
// generator, so every run of the example and its tests sees the same numbers.
//   node workflows/nba/scripts/make_dataset.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const out = path.join(__dirname, '..', 'data');

let seed = 20250131;
function random() {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function normal() {
  const u = Math.max(random(), 1e-9);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
function binomial(n, p) {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}
const clamp = (x, lo, hi) => Math.max(lo, Math.min(hi, x));

const teams = [
  { team: 'BOS', name: 'Boston Celtics', conference: 'East', strength: 6 },
  { team: 'DEN', name: 'Denver Nuggets', conference: 'West', strength: 4 },
  { team: 'LAL', name: 'Los Angeles Lakers', conference: 'West', strength: 3 },
  { team: 'MIL', name: 'Milwaukee Bucks', conference: 'East', strength: 1 },
  { team: 'GSW', name: 'Golden State Warriors', conference: 'West', strength: -1 },
  { team: 'PHX', name: 'Phoenix Suns', conference: 'West', strength: -3 },
];

// id, name, team, position, points, threes attempted, rebounds, assists, minutes, 2pt%, 3pt%, ft%
const players = [
  ['p01', 'Marcus Hale', 'BOS', 'F', 25, 7, 8, 5, 36, 0.55, 0.37, 0.85],
  ['p02', 'Jalen Brooks', 'BOS', 'G', 21, 8, 5, 4, 34, 0.52, 0.38, 0.88],
  ['p03', 'Derrick Vaughn', 'BOS', 'C', 12, 1, 10, 2, 28, 0.62, 0.3, 0.7],
  ['p04', 'Theo Lindqvist', 'BOS', 'G', 9, 5, 3, 6, 24, 0.48, 0.39, 0.9],
  ['p05', 'Nikola Peric', 'DEN', 'C', 24, 3, 12, 9, 35, 0.6, 0.35, 0.82],
  ['p06', 'Jamal Ortiz', 'DEN', 'G', 20, 7, 4, 5, 33, 0.5, 0.37, 0.87],
  ['p07', 'Aaron Whitfield', 'DEN', 'F', 11, 4, 6, 2, 29, 0.54, 0.36, 0.78],
  ['p08', 'Casey Monroe', 'DEN', 'G', 8, 4, 2, 4, 22, 0.47, 0.35, 0.8],
  ['p09', 'Andre Coleman', 'LAL', 'F', 29, 5, 8, 7, 37, 0.57, 0.36, 0.75],
  ['p10', 'Malik Sutton', 'LAL', 'C', 22, 1, 11, 3, 34, 0.58, 0.28, 0.8],
  ['p11', 'Reggie Dawson', 'LAL', 'G', 13, 6, 3, 5, 30, 0.47, 0.36, 0.84],
  ['p12', 'Tobias Kerr', 'MIL', 'F', 26, 3, 11, 6, 35, 0.6, 0.3, 0.66],
  ['p13', 'Dante Russell', 'MIL', 'G', 18, 7, 4, 6, 34, 0.49, 0.38, 0.9],
  ['p14', 'Omar Fields', 'MIL', 'C', 10, 1, 9, 1, 26, 0.64, 0.25, 0.72],
  ['p15', 'Eli Navarro', 'GSW', 'G', 27, 11, 5, 6, 34, 0.53, 0.41, 0.92],
  ['p16', 'Kevin Oduya', 'GSW', 'F', 16, 5, 6, 3, 31, 0.51, 0.37, 0.8],
  ['p17', 'Luis Bianchi', 'GSW', 'G', 10, 5, 3, 4, 25, 0.46, 0.38, 0.85],
  ['p18', 'Devon Price', 'PHX', 'G', 24, 7, 4, 6, 36, 0.52, 0.37, 0.89],
  ['p19', 'Jordan Mercer', 'PHX', 'F', 17, 5, 6, 2, 32, 0.5, 0.35, 0.8],
  ['p20', 'Samuel Adeyemi', 'PHX', 'C', 11, 0, 10, 2, 28, 0.61, 0.2, 0.65],
].map(([id, name, team, position, pts, fg3a, reb, ast, min, p2, p3, pft]) => ({ id, name, team, position, pts, fg3a, reb, ast, min, p2, p3, pft }));

// Every pair of teams meets twice (home and away): 15 pairs × 2 = 30 games in January 2025.
const pairs = [];
for (let i = 0; i < teams.length; i++) for (let j = i + 1; j < teams.length; j++) pairs.push([teams[i], teams[j]]);
const fixtures = [];
for (const [a, b] of pairs) fixtures.push([a, b], [b, a]);
for (let i = fixtures.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [fixtures[i], fixtures[j]] = [fixtures[j], fixtures[i]];
}

const games = [];
const box = [];
let rested = false;
fixtures.forEach(([home, away], index) => {
  // One game a day, 2025-01-02 .. 2025-01-31.
  const day = 2 + index;
  const date = `2025-01-${String(day).padStart(2, '0')}`;
  const id = `g${String(index + 1).padStart(3, '0')}`;
  const margin = (home.strength - away.strength) / 2 + 2.5 + normal() * 11;
  const base = 112 + normal() * 6;
  let homePts = Math.round(base + margin / 2);
  const awayPts = Math.round(base - margin / 2);
  if (homePts === awayPts) homePts += 3; // overtime decides it
  games.push({ game_id: id, date, home: home.team, away: away.team, home_pts: homePts, away_pts: awayPts });
  for (const team of [home, away]) {
    for (const p of players.filter((x) => x.team === team.team)) {
      if (p.id === 'p01' && index >= 10 && !rested) {
        rested = true; // sat out one game (rest), so games played differ
        continue;
      }
      const form = 1 + normal() * 0.22;
      const min = clamp(Math.round(p.min + normal() * 3), 12, 46);
      const fg3a = Math.max(0, Math.round(p.fg3a * form + normal()));
      const fg3m = binomial(fg3a, p.p3);
      const fta = Math.max(0, Math.round((p.pts / 4) * form + normal() * 1.5));
      const ftm = binomial(fta, p.pft);
      const twoTarget = Math.max(0, p.pts * form - 3 * fg3m - ftm);
      const fg2m = Math.max(0, Math.round(twoTarget / 2));
      const fg2a = fg2m + Math.max(0, Math.round((fg2m * (1 - p.p2)) / p.p2 + normal()));
      box.push({
        game_id: id,
        player_id: p.id,
        team: team.team,
        min,
        pts: 2 * fg2m + 3 * fg3m + ftm,
        reb: Math.max(0, Math.round(p.reb * (1 + normal() * 0.3))),
        ast: Math.max(0, Math.round(p.ast * (1 + normal() * 0.35))),
        fgm: fg2m + fg3m,
        fga: fg2a + fg3a,
        fg3m,
        fg3a,
        ftm,
        fta,
        tov: Math.max(0, Math.round(p.ast / 2.5 + normal())),
      });
    }
  }
});

const csv = (rows) => [Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).join(','))].join('\n') + '\n';
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'teams.csv'), csv(teams.map(({ team, name, conference }) => ({ team, name, conference }))));
fs.writeFileSync(path.join(out, 'games.csv'), csv(games));
fs.writeFileSync(path.join(out, 'box_scores.csv'), csv(box));
fs.writeFileSync(
  path.join(out, 'players.json'),
  JSON.stringify({ source: 'stats-api (offline fixture)', season: '2024-25', players: players.map(({ id, name, team, position }) => ({ id, name, team, position })) }, null, 2) + '\n',
);
const advanced = players.map((p) => ({
  player_id: p.id,
  usage_pct: Math.round((12 + p.pts * 0.6 + normal()) * 10) / 10,
  per: Math.round((8 + p.pts * 0.45 + p.reb * 0.35 + p.ast * 0.4 + normal() * 1.5) * 10) / 10,
  net_rating: Math.round((teams.find((t) => t.team === p.team).strength * 1.3 + normal() * 3) * 10) / 10,
}));
fs.writeFileSync(
  path.join(out, 'advanced_stats.json'),
  JSON.stringify({ bucket: 'nba-advanced-stats', key: 'season=2024-25/player_advanced.json', generated_at: '2025-01-31T06:00:00Z', rows: advanced }, null, 2) + '\n',
);
console.log(`wrote ${games.length} games, ${box.length} box score lines, ${players.length} players to ${out}`);
