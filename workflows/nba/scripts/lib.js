'use strict';
// Shared helpers for the NBA example's step scripts: Node's standard library only.
const fs = require('node:fs');
const path = require('node:path');

/** `--name value` pairs from argv; a flag without a value is `true`. */
function parseArgs(argv = process.argv.slice(2)) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z][a-z0-9-]*)$/.exec(argv[i]);
    if (!match) fail(`unexpected argument: ${argv[i]}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) args[match[1]] = true;
    else args[match[1]] = argv[++i];
  }
  return args;
}

function required(args, name) {
  const value = args[name];
  if (typeof value !== 'string' || value === '') fail(`--${name} is required`);
  return value;
}

/** A CSV with a header row and no quoted fields (the fixtures have none); numbers become numbers. */
function readCsv(file) {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!head) fail(`${file} is empty`);
  const keys = head.split(',');
  return lines.map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== keys.length) fail(`${file}:${i + 2}: expected ${keys.length} fields, got ${cells.length}`);
    return Object.fromEntries(keys.map((k, j) => [k, /^-?\d+(\.\d+)?$/.test(cells[j]) ? Number(cells[j]) : cells[j]]));
  });
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`cannot read ${file}: ${error.code ?? error.message}`);
  }
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Step outputs for Baton: `key=value` lines, or `key<<EOF` blocks for multi-line values, appended
 * to the file named by $BATON_OUTPUT (ignored when the script runs outside Baton).
 */
function setOutputs(outputs) {
  const file = process.env.BATON_OUTPUT;
  if (!file) return;
  let text = '';
  for (const [key, raw] of Object.entries(outputs)) {
    const value = String(raw);
    if (value.includes('\n')) {
      let delim = 'EOF';
      while (value.split('\n').includes(delim)) delim += '_';
      text += `${key}<<${delim}\n${value}\n${delim}\n`;
    } else text += `${key}=${value}\n`;
  }
  fs.appendFileSync(file, text);
}

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const pct = (x) => `${round(x * 100, 1).toFixed(1)}%`;

module.exports = { parseArgs, required, readCsv, readJson, writeJson, setOutputs, fail, round, pct };
