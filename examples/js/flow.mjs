#!/usr/bin/env node
// Looks for the cases an alert is in, creates a case, attaches the alert, tags and
// comments on the case, and lists every case, through the npm package
// @elastic-security-wasm/component (see README.md).
//
//   KIBANA_URL=https://kibana.example:5601 KIBANA_API_KEY=... node flow.mjs
//       runs the flow against that Kibana (or KIBANA_USERNAME and KIBANA_PASSWORD;
//       KIBANA_SPACE for a space other than the default one).
//   KIBANA_API_KEY=sim-api-key node flow.mjs
//       without KIBANA_URL: starts the Kibana simulator (`elastic-security stub`,
//       from ELASTIC_SECURITY_BIN) as a child process on a free port, runs the flow
//       against it and stops it.
//
// Every component call is synchronous: it blocks this thread until Kibana answers.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cases, caseComments, caseTags } from '@elastic-security-wasm/component';
import { startStub } from './kibana-stub.mjs';

/**
 * The flow itself. `conn` is a WIT `connection` ({ baseUrl, auth, spaceId?,
 * timeoutMs? }). Each call throws a ComponentError (payload: the `error` variant)
 * when the operation fails.
 */
export function runFlow(
  conn,
  { title = 'Phishing wave (jco example)', alertId = 'jco-alert-1' } = {},
) {

  // Before opening a case: is the alert in one already?
  const before = cases.getCasesByAlert(conn, { alertId, owners: ['security-solution'] });

  // One case per alert: the key makes a repeat of this call (after a lost answer,
  // say) return the case the first call made. `createdNow` says which it was.
  const { kibanaCase: created, created: createdNow } = cases.createCase(conn, {
    title,
    owner: 'security-solution',
    description: 'Several users reported the same credential-harvesting e-mail.',
    severity: 'high',
    tags: ['phishing'],
    assignees: [],
    idempotencyKey: `alert-${alertId}`,
  });

  // One item may hold several comma-separated tags.
  const tagged = caseTags.addTag(conn, created.caseId, ['email, triage']);

  const comment = caseComments.addComment(conn, {
    caseId: created.caseId,
    comment: 'Blocked the sender domain at the mail gateway.',
  });
  caseComments.addComment(conn, { caseId: created.caseId, commentType: 'alert', alertId });
  const after = cases.getCasesByAlert(conn, { alertId, owners: [] });

  // Every case, page after page (100 per request, up to 4 requests in flight
  // together once the first page gives the total), as one list.
  const listed = cases.getManyCases(conn, {
    sortField: 'created-at',
    sortOrder: 'desc',
    searchFields: [],
    owners: ['security-solution'],
    assignees: [],
    returnAll: true,
    limit: 500,
    maxInFlight: 4,
  });

  return { before, created, createdNow, tagged, comment, after, listed };
}

function connectionFromEnv(baseUrl) {
  const { KIBANA_API_KEY, KIBANA_USERNAME, KIBANA_PASSWORD, KIBANA_SPACE } = process.env;
  let auth;
  if (KIBANA_API_KEY) {
    auth = { tag: 'api-key', val: KIBANA_API_KEY };
  } else if (KIBANA_USERNAME) {
    auth = { tag: 'basic', val: { username: KIBANA_USERNAME, password: KIBANA_PASSWORD ?? '' } };
  }
  return { baseUrl, auth, spaceId: KIBANA_SPACE || undefined };
}

async function main() {
  let stub;
  let baseUrl = process.env.KIBANA_URL;
  if (!baseUrl) {
    stub = await startStub();
    console.log(`Kibana simulator (elastic-security stub) on ${stub.url}`);
    baseUrl = stub.url;
  }
  const conn = connectionFromEnv(baseUrl);
  try {
    const { before, created, createdNow, tagged, comment, after, listed } = runFlow(conn);
    console.log(`alert in      ${before.length} case(s) before`);
    console.log(`${createdNow ? 'created' : 'found  '} case  ${created.caseId} "${created.title}" (${created.status}, ${created.severity})`);
    console.log(`tagged        ${tagged.tags.join(', ')} (version ${tagged.version})`);
    console.log(`commented     ${comment.commentId}: ${comment.comment}`);
    console.log(`alert in      ${after.map((c) => c.caseId).join(', ')}`);
    console.log(`listed        ${listed.total} case(s):`);
    for (const c of listed.cases) {
      console.log(`  ${c.caseId}  ${c.title}  [${c.tags.join(', ')}]  comments: ${c.totalComments}`);
    }
  } catch (error) {
    // A WIT `result` error arrives as a thrown ComponentError; its typed value is
    // `error.payload` (error.message is only "[object Object] (see error.payload)"):
    // the WIT `error` variant, `{ tag: 'permanent' | 'retryable', val: error-info }`.
    if (error.payload?.val) {
      const { tag, val: { statusCode, kind, message } } = error.payload;
      console.error(`failed (${tag}): ${kind} (status ${statusCode}): ${message}`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  } finally {
    await stub?.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
