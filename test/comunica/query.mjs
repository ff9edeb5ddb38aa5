// Runs one SPARQL SELECT query with Comunica over a Triple Pattern Fragments
// interface and prints its rows as JSON: [{variable: value, …}, …].
//
//   node query.mjs http://127.0.0.1:PORT/fragments 'SELECT …'
//
// Comunica finds the interface's hypermedia controls in the first page and
// then asks for the fragments it needs; nothing but the given URL is read.
import { QueryEngine } from '@comunica/query-sparql';

const [source, query] = process.argv.slice(2);
if (!source || !query) {
  console.error('usage: node query.mjs FRAGMENTS_URL SPARQL');
  process.exit(2);
}
const engine = new QueryEngine();
const stream = await engine.queryBindings(query, { sources: [source], lenient: false });
const rows = [];
for (const b of await stream.toArray()) {
  const row = {};
  for (const [k, v] of b) row[k.value] = v.value;
  rows.push(row);
}
console.log(JSON.stringify(rows));
