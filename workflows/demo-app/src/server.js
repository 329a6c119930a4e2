// Serves the scoreboard over HTTP on 127.0.0.1 (port 0 = any free port).
'use strict';
const http = require('node:http');
const { standings } = require('./scoreboard');

function createServer(teams) {
  return http.createServer((req, res) => {
    if (req.url === '/standings') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(standings(teams).map((t) => t.name)));
    } else {
      res.writeHead(404).end();
    }
  });
}

module.exports = { createServer };
