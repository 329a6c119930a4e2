#!/usr/bin/env node
// Step 2, "Fetch player statistics": stands in for the stats API. Returns the roster and the box
// score lines of the extracted games only.
//   node fetch_player_stats.js --api-dir data --games games.json --out players.json
'use strict';
const path = require('node:path');
const { parseArgs, required, readCsv, readJson, writeJson, setOutputs, fail } = require('./lib');

const args = parseArgs();
const dir = required(args, 'api-dir');
const { games } = readJson(required(args, 'games'));
const ids = new Set(games.map((g) => g.game_id));
const roster = readJson(path.join(dir, 'players.json'));
if (!Array.isArray(roster.players) || roster.players.length === 0) fail('the stats API returned no players');
const known = new Set(roster.players.map((p) => p.id));
const lines = readCsv(path.join(dir, 'box_scores.csv')).filter((b) => ids.has(b.game_id));
const unknown = lines.filter((b) => !known.has(b.player_id));
if (unknown.length > 0) fail(`box scores name unknown players: ${[...new Set(unknown.map((b) => b.player_id))].join(', ')}`);

console.log(`GET /v1/players?season=${roster.season} -> ${roster.players.length} players`);
console.log(`GET /v1/box_scores?games=${ids.size} -> ${lines.length} lines`);
writeJson(required(args, 'out'), { season: roster.season, players: roster.players, box_scores: lines });
setOutputs({ players: roster.players.length, box_scores: lines.length, path: args.out });
