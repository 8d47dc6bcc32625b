#!/usr/bin/env node
// A small, independent DynamoDB load generator (plain Node, no packages): BatchWriteItem of 25
// items per call over keep-alive HTTP connections, one request in flight per connection, against
// several endpoints side by side in interleaved rounds (the targets' order reverses every other
// round, so neither always runs first); prints the median items/s of each target and case, and
// each target's ratio to the last one: the ratio of the medians, and the median of the per-round
// ratios (both ran within seconds of each other in a round, so the machine's load weighs on both
// alike). With --pid NAME=PID for a target served by a local process, it also reads that process's
// CPU time (/proc/PID/stat) around every run and reports the server's CPU µs per item written.
//   node bench/loadgen.js --target pitr=http://127.0.0.1:8000 --target dynalite=http://127.0.0.1:4567 \
//     [--pid pitr=12345] [--seconds 4] [--rounds 5] [--connections 1,4] [--payloads 16,1000]
// Requests carry a well-formed but fake SigV4 Authorization header (neither pitr without an access
// key nor dynalite checks the signature), and are built before the clock starts.
'use strict';
const http = require('http');

function parseArgs(argv) {
  const opts = { targets: [], pids: new Map(), seconds: 4, rounds: 5, connections: [1, 4], payloads: [16, 1000] };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--target': {
        const eq = value.indexOf('=');
        if (eq < 1) throw new Error(`--target takes NAME=URL, got ${value}`);
        opts.targets.push({ name: value.slice(0, eq), url: new URL(value.slice(eq + 1)) });
        break;
      }
      case '--pid': {
        const eq = value.indexOf('=');
        if (eq < 1 || !/^[0-9]+$/.test(value.slice(eq + 1))) throw new Error(`--pid takes NAME=PID, got ${value}`);
        opts.pids.set(value.slice(0, eq), value.slice(eq + 1));
        break;
      }
      case '--seconds': opts.seconds = Number(value); break;
      case '--rounds': opts.rounds = Number(value); break;
      case '--connections': opts.connections = value.split(',').map(Number); break;
      case '--payloads': opts.payloads = value.split(',').map(Number); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
    i++;
  }
  if (opts.targets.length === 0) throw new Error('give at least one --target NAME=URL');
  for (const name of opts.pids.keys()) {
    if (!opts.targets.some((t) => t.name === name)) throw new Error(`--pid ${name}: no --target of that name`);
  }
  return opts;
}

const TABLE = 'bench-node-writes';

function amzDate() {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

function call(agent, url, op, body) {
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const date = amzDate();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: '/',
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'Content-Length': payload.length,
          'X-Amz-Target': `DynamoDB_20120810.${op}`,
          'X-Amz-Date': date,
          Authorization:
            `AWS4-HMAC-SHA256 Credential=bench/${date.slice(0, 8)}/us-east-1/dynamodb/aws4_request, ` +
            `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch (e) {
            return reject(new Error(`${op}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`));
          }
          resolve({ status: res.statusCode, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function checked(agent, url, op, body) {
  const r = await call(agent, url, op, body);
  if (r.status !== 200) throw new Error(`${op} on ${url}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function freshTable(url) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const del = await call(agent, url, 'DeleteTable', { TableName: TABLE });
    if (del.status !== 200 && !String(del.body.__type).includes('ResourceNotFound')) {
      throw new Error(`DeleteTable: ${JSON.stringify(del.body)}`);
    }
    for (;;) {
      const d = await call(agent, url, 'DescribeTable', { TableName: TABLE });
      if (d.status !== 200) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await checked(agent, url, 'CreateTable', {
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    for (;;) {
      const d = await checked(agent, url, 'DescribeTable', { TableName: TABLE });
      if (d.Table.TableStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    agent.destroy();
  }
}

let nextKey = 0;
let totalRequests = 0;

function batches(payloadBytes, count) {
  const payload = 'x'.repeat(payloadBytes);
  const out = [];
  for (let b = 0; b < count; b++) {
    const writes = [];
    for (let i = 0; i < 25; i++) {
      writes.push({
        PutRequest: {
          Item: { pk: { S: `item-${++nextKey}` }, n: { N: String(i) }, payload: { S: payload } },
        },
      });
    }
    out.push(Buffer.from(JSON.stringify({ RequestItems: { [TABLE]: writes } })));
  }
  return out;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

/** CPU seconds (user + system, all threads) process `pid` has used so far. */
function cpuSeconds(pid) {
  const stat = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * One timed run over `connections` keep-alive connections: items/s written and, when `pid` is
 * given, that server's CPU µs per item written.
 */
async function measure(url, pid, connections, payloadBytes, seconds) {
  await freshTable(url);
  const bodies = batches(payloadBytes, 4096);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let sent = 0;
  let written = 0;
  const cpuBefore = pid ? cpuSeconds(pid) : 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  async function worker() {
    while (process.hrtime.bigint() < deadline) {
      const r = await checked(agent, url, 'BatchWriteItem', bodies[sent++ % bodies.length]);
      const unprocessed = (r.UnprocessedItems && r.UnprocessedItems[TABLE]) || [];
      written += 25 - unprocessed.length;
      totalRequests++;
    }
  }
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuMicrosPerItem = pid ? ((cpuSeconds(pid) - cpuBefore) * 1e6) / written : NaN;
  agent.destroy();
  return { rate: written / elapsed, cpuMicrosPerItem };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const sizeName = (p) => (p >= 1000 ? '1 KB' : 'small (~60 B)');

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cases = [];
  for (const payload of opts.payloads) for (const conns of opts.connections) cases.push({ payload, conns });
  const results = new Map();
  console.log(
    `Node load generator (Node ${process.version}): ${opts.targets.length} targets, ` +
      `${cases.length} cases, ${opts.rounds} rounds of ${opts.seconds} s (plus one warm-up round)...`,
  );
  for (let round = -1; round < opts.rounds; round++) {
    for (const c of cases) {
      const order = round % 2 === 0 ? opts.targets : [...opts.targets].reverse();
      for (const t of order) {
        const run = await measure(t.url, opts.pids.get(t.name), c.conns, c.payload, opts.seconds);
        if (round >= 0) {
          const key = `${t.name}|${c.payload}|${c.conns}`;
          if (!results.has(key)) results.set(key, []);
          results.get(key).push(run);
        }
      }
    }
  }
  const runs = (t, c) => results.get(`${t.name}|${c.payload}|${c.conns}`);
  const rates = (t, c) => runs(t, c).map((r) => r.rate);
  const cpus = (t, c) => runs(t, c).map((r) => r.cpuMicrosPerItem);
  const withCpu = opts.targets.filter((t) => opts.pids.has(t.name));
  console.log(
    `\n| target | items | connections | items/s |${withCpu.length ? ' server CPU µs/item |' : ''}` +
      `\n|---|---|---:|---:|${withCpu.length ? '---:|' : ''}`,
  );
  for (const c of cases) {
    for (const t of opts.targets) {
      const cpu = opts.pids.has(t.name) ? ` ${median(cpus(t, c)).toFixed(2)} |` : withCpu.length ? ' n/a |' : '';
      console.log(`| ${t.name} | ${sizeName(c.payload)} | ${c.conns} | ${fmt(median(rates(t, c)))} |${cpu}`);
    }
  }
  const last = opts.targets[opts.targets.length - 1];
  const others = opts.targets.slice(0, -1);
  if (others.length > 0) {
    const perRound = (a, b) => median(a.map((x, i) => x / b[i]));
    const columns = others.map((t) => `${t.name} / ${last.name}`);
    const cpuColumns = opts.pids.has(last.name) ? others.filter((t) => opts.pids.has(t.name)) : [];
    console.log(
      `\n| items | connections | ${columns.map((n) => `${n} (medians) | ${n} (per round)`).join(' | ')} |` +
        `${cpuColumns.map((t) => ` CPU/item ${t.name} / ${last.name} (per round) |`).join('')}` +
        `\n|---|---:|${columns.map(() => '---:|---:').join('|')}|${cpuColumns.map(() => '---:|').join('')}`,
    );
    for (const c of cases) {
      const base = rates(last, c);
      const ratios = others.map(
        (t) => `${(median(rates(t, c)) / median(base)).toFixed(2)}x | ${perRound(rates(t, c), base).toFixed(2)}x`,
      );
      const cpuRatios = cpuColumns.map((t) => ` ${perRound(cpus(t, c), cpus(last, c)).toFixed(2)}x |`);
      console.log(`| ${sizeName(c.payload)} | ${c.conns} | ${ratios.join(' | ')} |${cpuRatios.join('')}`);
    }
  }
  if (process.env.LOADGEN_COUNT_FILE) require('fs').writeFileSync(process.env.LOADGEN_COUNT_FILE, `${totalRequests}\n`);
}

main().catch((e) => {
  console.error(`loadgen: ${e.message}`);
  process.exit(1);
});
