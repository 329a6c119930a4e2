#!/usr/bin/env node
// Step 1, "Extract game data": stands in for the query against the games table in RDS. Reads the
// table's export (CSV), keeps the games of the report window and writes them as JSON.
//   node extract_games.js --db games.csv --teams teams.csv --through 2025-01-31 --days 30 --out games.json
'use strict';
const { parseArgs, required, readCsv, writeJson, setOutputs, fail } = require('./lib');

const args = parseArgs();
const through = required(args, 'through');
if (!/^\d{4}-\d{2}-\d{2}$/.test(through) || Number.isNaN(Date.parse(through))) fail(`--through must be a date (YYYY-MM-DD), got ${through}`);
const days = Number(args.days ?? 30);
if (!Number.isInteger(days) || days < 1) fail(`--days must be a positive whole number, got ${args.days}`);
const from = new Date(Date.parse(through) - (days - 1) * 86_400_000).toISOString().slice(0, 10);

const teams = readCsv(required(args, 'teams'));
const all = readCsv(required(args, 'db'));
const games = all.filter((g) => g.date >= from && g.date <= through).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.game_id < b.game_id ? -1 : 1));
if (games.length === 0) fail(`no games between ${from} and ${through} (the table covers ${all[0]?.date} .. ${all.at(-1)?.date})`);

console.log(`SELECT * FROM games WHERE date BETWEEN '${from}' AND '${through}' -- ${games.length} of ${all.length} rows`);
writeJson(required(args, 'out'), { from, through, teams, games });
setOutputs({ games: games.length, teams: new Set(games.flatMap((g) => [g.home, g.away])).size, from, through, path: args.out });
