// Runs every server audit of graphql-http (the GraphQL-over-HTTP spec's audit
// suite) against a running GraphQL endpoint and prints each result.
//
//   node audit.mjs http://127.0.0.1:8080/graphql
//
// Exits 1 when any MUST or SHOULD audit fails (MAY audits are reported but
// do not fail the run), 2 on a usage or connection error.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL_OF_GRAPHQL_ENDPOINT');
  process.exit(2);
}

let results;
try {
  results = await auditServer({ url });
} catch (err) {
  console.error(`audit could not run against ${url}: ${err?.stack ?? err}`);
  process.exit(2);
}

const level = (name) => name.split(' ')[0]; // MUST, SHOULD or MAY
const counts = {};
const failed = [];
for (const r of results) {
  const key = `${level(r.name)} ${r.status === 'ok' ? 'ok' : 'fail'}`;
  counts[key] = (counts[key] ?? 0) + 1;
  if (r.status === 'ok') {
    console.log(`ok    ${r.id} ${r.name}`);
    continue;
  }
  let body = '';
  try {
    body = await r.response.text();
  } catch {
    // the audit may have read the body already
  }
  console.log(`${r.status.padEnd(5)} ${r.id} ${r.name}\n      ${r.reason}` +
    (r.response ? `\n      status ${r.response.status}, content-type ${r.response.headers.get('content-type')}` : '') +
    (body ? `\n      body ${body.slice(0, 300)}` : ''));
  if (level(r.name) !== 'MAY') failed.push(r);
}

const summary = Object.entries(counts).sort().map(([k, n]) => `${k}: ${n}`).join(', ');
console.log(`\n${results.length} audits (${summary})`);
if (failed.length > 0) {
  console.log(`FAIL: ${failed.length} MUST/SHOULD audit(s) failed: ${failed.map((r) => r.id).join(' ')}`);
  process.exit(1);
}
console.log('PASS: every MUST and SHOULD audit passed');
