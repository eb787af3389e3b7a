// The README's side-by-side table holds: n8n's Elastic Security node and this node run
// again through the same steps (test/side-by-side/), and the table made from this run,
// and its normalised results, must be the ones committed (README.md between its
// side-by-side markers, test/side-by-side/results.json). `node test/side-by-side/run.mjs`
// writes them anew.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

import {
  RESULTS_FILE,
  readmeTable,
  renderTable,
  runSideBySide,
} from './side-by-side/side-by-side.mjs';

test(
  "n8n's node and this node side by side: the README's table is this run's",
  { timeout: 600_000 },
  async () => {
    const results = await runSideBySide();
    assert.equal(
      readmeTable(),
      renderTable(results),
      'the README table (run test/side-by-side/run.mjs)',
    );
    assert.deepEqual(
      JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8')),
      results,
      'test/side-by-side/results.json (run test/side-by-side/run.mjs)',
    );
  },
);
