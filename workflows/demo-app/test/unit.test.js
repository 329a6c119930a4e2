'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { winRate, standings } = require('../src/scoreboard');

test('win rate of no games is 0', () => assert.strictEqual(winRate([]), 0));
test('win rate counts wins', () => {
  assert.strictEqual(winRate([{ points: 100, opponentPoints: 90 }, { points: 80, opponentPoints: 95 }]), 50);
});
test('standings sort by win rate, then name', () => {
  const teams = [
    { name: 'Bulls', games: [{ points: 1, opponentPoints: 2 }] },
    { name: 'Lakers', games: [{ points: 2, opponentPoints: 1 }] },
    { name: 'Celtics', games: [{ points: 2, opponentPoints: 1 }] },
  ];
  assert.deepStrictEqual(standings(teams).map((t) => t.name), ['Celtics', 'Lakers', 'Bulls']);
});
