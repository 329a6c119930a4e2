// Integration test: start the real server on 127.0.0.1 and ask it over HTTP.
'use strict';
const assert = require('node:assert');
const { createServer } = require('../src/server');

const teams = [
  { name: 'Lakers', games: [{ points: 110, opponentPoints: 99 }] },
  { name: 'Bulls', games: [{ points: 90, opponentPoints: 99 }] },
];
const server = createServer(teams).listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  try {
    const res = await fetch(`http://127.0.0.1:${port}/standings`);
    assert.strictEqual(res.status, 200);
    assert.deepStrictEqual(await res.json(), ['Lakers', 'Bulls']);
    console.log('integration: GET /standings ok');
    if (process.env.BATON_OUTPUT) require('node:fs').appendFileSync(process.env.BATON_OUTPUT, 'checks=1\n');
  } finally {
    server.close();
  }
});
