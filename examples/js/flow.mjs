#!/usr/bin/env node
// Looks for the cases an alert is in, creates a case, attaches the alert, tags and
// comments on the case, and lists every case, through the elastic-security
// WebAssembly component transpiled by jco (see README.md).
//
//   node flow.mjs
//       starts the Kibana simulator (`elastic-security stub`, from
//       ELASTIC_SECURITY_BIN, default ../../target/debug/elastic-security) as a
//       child process on a free port, runs the flow against it and stops it.
//   KIBANA_URL=https://kibana.example:5601 KIBANA_API_KEY=... node flow.mjs
//       runs the flow against that Kibana instead (or KIBANA_USERNAME and
//       KIBANA_PASSWORD; KIBANA_SPACE for a space other than the default one).
//
// Every component call is synchronous: it blocks this thread until Kibana answers.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STUB_API_KEY, startStub } from './kibana-stub.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The transpiled component (generated/ is written by test.sh or `npx jco transpile`). */
export async function loadComponent() {
  const entry = pathToFileURL(path.join(here, 'generated', 'elastic_security.js'));
  try {
    return await import(entry.href);
  } catch (error) {
    if (error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes('elastic_security.js')) {
      throw new Error(
        'generated/elastic_security.js is missing: run `bash test.sh` (or the jco transpile '
          + 'command in README.md) first',
      );
    }
    throw error;
  }
}

/**
 * The flow itself. `component` is the module loadComponent() returns, `conn` a
 * WIT `connection` ({ baseUrl, auth, spaceId?, timeoutMs? }). Each call throws a
 * ComponentError (payload { statusCode, kind, message }) when the operation fails.
 */
export function runFlow(
  component,
  conn,
  { title = 'Phishing wave (jco example)', alertId = 'jco-alert-1' } = {},
) {
  const { cases, caseTags, caseComments } = component;

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

  // Every case, page after page (100 per request), as one list.
  const listed = cases.getManyCases(conn, {
    sortField: 'created-at',
    sortOrder: 'desc',
    searchFields: [],
    owners: ['security-solution'],
    assignees: [],
    returnAll: true,
    limit: 500,
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
  const component = await loadComponent();
  let stub;
  let conn;
  if (process.env.KIBANA_URL) {
    conn = connectionFromEnv(process.env.KIBANA_URL);
  } else {
    stub = await startStub();
    console.log(`Kibana simulator (elastic-security stub) on ${stub.url}`);
    conn = { baseUrl: stub.url, auth: { tag: 'api-key', val: STUB_API_KEY } };
  }
  try {
    const { before, created, createdNow, tagged, comment, after, listed } = runFlow(component, conn);
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
