// A tiny "application" the example pipeline tests, builds and deploys.
'use strict';

function winRate(games) {
  if (games.length === 0) return 0;
  const wins = games.filter((g) => g.points > g.opponentPoints).length;
  return Math.round((wins / games.length) * 1000) / 10;
}

function standings(teams) {
  return [...teams].sort((a, b) => winRate(b.games) - winRate(a.games) || a.name.localeCompare(b.name));
}

module.exports = { winRate, standings };
