#!/usr/bin/env node
// Step 3, "Load advanced stats": stands in for reading an object from S3. The "bucket" is a local
// folder; the object is copied into the run's work folder after a shape check.
//   node load_advanced_stats.js --bucket data --key advanced_stats.json --out advanced.json
'use strict';
const path = require('node:path');
const { parseArgs, required, readJson, writeJson, setOutputs, fail } = require('./lib');

const args = parseArgs();
const key = required(args, 'key');
const object = readJson(path.join(required(args, 'bucket'), key));
const rows = Array.isArray(object.rows) ? object.rows : fail(`s3 object ${key} has no rows`);
for (const row of rows) {
  for (const field of ['player_id', 'usage_pct', 'per', 'net_rating']) {
    if (row[field] === undefined) fail(`s3 object ${key}: a row lacks ${field}`);
  }
}
console.log(`s3://${object.bucket}/${object.key} (generated ${object.generated_at}) -> ${rows.length} rows`);
writeJson(required(args, 'out'), { generated_at: object.generated_at, rows });
setOutputs({ rows: rows.length, generated_at: object.generated_at, path: args.out });
