#!/usr/bin/env node
// Runs n8n's Elastic Security node and this package's node side by side (see
// side-by-side.mjs) and
//   - by default writes the results to results.json and the table made from them into
//     the package README, between its side-by-side markers;
//   - with --check writes nothing, and exits 1 when the README's table or results.json
//     differ from what this run produced.
// Environment: as the harness (ELASTIC_SECURITY_BIN, ELASTIC_SECURITY_NPM_TGZ,
// N8N_NODES_TGZ, ELASTIC_SECURITY_N8N_DIR).
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import {
  README_FILE,
  RESULTS_FILE,
  readmeTable,
  renderTable,
  runSideBySide,
  withTable,
} from './side-by-side.mjs';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

const started = Date.now();
const results = await runSideBySide({ log: (line) => console.error(line) });
const table = renderTable(results);
const resultsText = `${JSON.stringify(results, null, 2)}\n`;

if (values.check) {
  const problems = [];
  if (readmeTable() !== table)
    problems.push(`the README's table differs from this run's:\n${table}`);
  const committed = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, 'utf8') : '';
  if (committed !== resultsText) problems.push("results.json differs from this run's results");
  if (problems.length > 0) {
    console.error(problems.join('\n\n'));
    console.error('\nRun `node test/side-by-side/run.mjs` to write them anew.');
    process.exit(1);
  }
  console.error(
    `side by side: the README's table and results.json hold (${(Date.now() - started) / 1000} s)`,
  );
} else {
  fs.writeFileSync(RESULTS_FILE, resultsText);
  fs.writeFileSync(README_FILE, withTable(fs.readFileSync(README_FILE, 'utf8'), table));
  console.error(
    `side by side: wrote results.json and the README's table (${(Date.now() - started) / 1000} s)`,
  );
}
