// The README's example, typed: checked with `tsc --noEmit --strict` against the
// package's declarations (test.sh), and runnable once compiled:
//   KIBANA_URL=https://kibana.example:5601 KIBANA_API_KEY=... node example.js
import { cases, caseTags, type Connection, type KibanaCase } from '@elastic-security-wasm/component';

function connection(): Connection {
  const baseUrl = process.env.KIBANA_URL;
  const apiKey = process.env.KIBANA_API_KEY;
  if (!baseUrl || !apiKey) {
    throw new Error('set KIBANA_URL and KIBANA_API_KEY');
  }
  return { baseUrl, auth: { tag: 'api-key', val: apiKey }, spaceId: process.env.KIBANA_SPACE };
}

const conn = connection();
const input: cases.CreateCaseInput = {
  title: 'Phishing wave',
  owner: 'security-solution',
  severity: 'high',
  tags: ['phishing'],
  assignees: [],
};
const made: cases.CreatedCase = cases.createCase(conn, input);
const created: KibanaCase = made.kibanaCase;
const tagged = caseTags.addTag(conn, created.caseId, ['email', 'triage']);
console.log(`${made.created ? 'created' : 'found'} ${created.caseId}: ${created.title} [${tagged.tags.join(', ')}]`);

try {
  cases.getCase(conn, { caseId: 'no-such-id', includeComments: false });
} catch (error) {
  // A WIT `err` is thrown as jco's ComponentError; `payload` is the `error` variant.
  const payload = (error as { payload?: { tag: string; val?: { statusCode: number; kind: string } } })
    .payload;
  console.log(payload?.tag, payload?.val?.statusCode, payload?.val?.kind); // permanent 404 not-found
}
