// node --test: the jco-transpiled component against the Kibana simulator
// (`elastic-security stub`, a child process on a free port). Run by ../test.sh.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cases, caseComments, caseTags, connectors } from '@elastic-security-wasm/component';
import { runFlow } from '../flow.mjs';
import { STUB_API_KEY, STUB_USER, freePort, startStub } from '../kibana-stub.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Runs `fn`, which must throw jco's ComponentError carrying the WIT `error`: a
 * variant `{ tag: 'permanent' | 'retryable', val: error-info }`. Returns the
 * thrown error's `message` and `stack`, the `tag`, and `payload`: the error-info.
 */
function componentError(fn) {
  let thrown;
  assert.throws(fn, (error) => {
    thrown = error;
    return true;
  });
  assert.equal(thrown.constructor.name, 'ComponentError', `not a ComponentError: ${thrown?.stack}`);
  assert.ok(thrown instanceof Error);
  assert.equal(typeof thrown.payload, 'object');
  assert.ok(['permanent', 'retryable'].includes(thrown.payload.tag), JSON.stringify(thrown.payload));
  assert.deepEqual(Object.keys(thrown.payload.val).sort(), ['kind', 'message', 'statusCode']);
  return {
    message: thrown.message,
    stack: thrown.stack,
    tag: thrown.payload.tag,
    payload: thrown.payload.val,
    whole: thrown.payload,
  };
}

/** Asserts that `secret` appears nowhere in the error: message, payload, stack. */
function assertNoSecret(error, secret) {
  for (const text of [error.message, error.stack, error.payload.message, JSON.stringify(error.whole)]) {
    assert.ok(!text.includes(secret), `the secret leaked into: ${text}`);
  }
}

describe('elastic-security component through jco + preview2-shim', () => {
  let stub;
  let conn;

  before(async () => {
    stub = await startStub();
    conn = { baseUrl: stub.url, auth: { tag: 'api-key', val: STUB_API_KEY } };
  });

  after(async () => {
    await stub?.stop();
  });

  test('find the cases of an alert, create a case, tag it, comment on it, list cases', () => {
    const { before, created, createdNow, tagged, comment, after, listed } = runFlow(conn, {
      title: 'Phishing wave (node --test)',
      alertId: 'node-test-alert',
    });
    const marker = 'idempotency-key-alert-node-test-alert';

    assert.deepEqual(before, []);
    assert.equal(after.length, 1);
    assert.equal(after[0].caseId, created.caseId);
    assert.equal(after[0].status, 'open');
    assert.equal(after[0].totalAlerts, 1);

    assert.equal(createdNow, true);
    assert.match(created.caseId, /\S/);
    assert.equal(created.title, 'Phishing wave (node --test)');
    assert.equal(created.owner, 'security-solution');
    assert.equal(created.status, 'open');
    assert.equal(created.severity, 'high');
    assert.deepEqual(created.tags, ['phishing', marker]);
    assert.equal(created.createdBy, 'elastic');
    assert.equal(created.totalComments, 0);
    assert.equal(created.updatedAt, undefined); // option<string> none -> undefined
    assert.deepEqual(created.comments, []);

    assert.equal(tagged.caseId, created.caseId);
    assert.deepEqual(tagged.tags, ['phishing', marker, 'email', 'triage']);
    assert.notEqual(tagged.version, created.version);

    assert.equal(comment.caseId, created.caseId);
    assert.equal(comment.commentType, 'user');
    assert.equal(comment.comment, 'Blocked the sender domain at the mail gateway.');
    assert.equal(comment.createdBy, 'elastic');
    assert.match(comment.commentId, /\S/);

    const listedCase = listed.cases.find((c) => c.caseId === created.caseId);
    assert.ok(listedCase, 'the new case is listed');
    assert.ok(listed.total >= 1);
    assert.equal(listed.page, 1);
    // Return-all: PerPage is the number returned.
    assert.equal(listed.perPage, listed.cases.length);
    assert.equal(listed.total, listed.cases.length);
    assert.deepEqual(listedCase.tags, ['phishing', marker, 'email', 'triage']);
    assert.equal(listedCase.totalComments, 1);

    // Read back with its comments; adding a tag that is there already writes nothing.
    const read = cases.getCase(conn, { caseId: created.caseId, includeComments: true });
    assert.deepEqual(read.comments.map((c) => c.commentId), [comment.commentId]);
    const again = caseTags.addTag(conn, created.caseId, ['triage']);
    assert.deepEqual(again.tags, tagged.tags);
    assert.equal(again.version, read.version);

    // The same key again: the case the first call made, not a second one; the
    // alert, attached already, is not attached twice.
    const repeat = runFlow(conn, { title: 'Phishing wave, again', alertId: 'node-test-alert' });
    assert.equal(repeat.createdNow, false);
    assert.equal(repeat.created.caseId, created.caseId);
    assert.equal(repeat.created.title, 'Phishing wave (node --test)');
    assert.equal(repeat.after[0].totalAlerts, 1);
  });

  test('basic authentication and a 30000-character comment (body sent in chunks)', () => {
    const basic = { baseUrl: stub.url, auth: { tag: 'basic', val: STUB_USER } };
    const { kibanaCase: created } = cases.createCase(basic, {
      title: 'Long comment', owner: 'cases', tags: [], assignees: [],
    });
    assert.equal(created.description, 'Long comment'); // Kibana needs one: the title is sent
    const text = 'é漢'.repeat(15_000); // 30000 characters, 75000 bytes of UTF-8
    const comment = caseComments.addComment(basic, { caseId: created.caseId, comment: text });
    assert.equal(comment.comment, text);
  });

  test('err result: get-case for a missing id throws ComponentError 404 not-found', () => {
    const error = componentError(() => cases.getCase(conn, { caseId: 'no-such-case', includeComments: false }));
    assert.equal(error.payload.statusCode, 404);
    assert.equal(error.payload.kind, 'not-found');
    assert.equal(error.tag, 'permanent'); // a 4xx: the same call fails the same way
    assert.match(error.payload.message, /no-such-case/);
    // jco's wrapper only says where to look; the typed value is in `payload`.
    assert.equal(error.message, '[object Object] (see error.payload)');
    assertNoSecret(error, STUB_API_KEY);
  });

  test('return all with pages in flight together: every case, in Kibana\'s order', () => {
    const marker = `batch${Date.now()}`;
    const made = [];
    for (let i = 0; i < 250; i += 1) {
      made.push(cases.createCase(conn, {
        title: `${marker} ${i}`, owner: 'cases', tags: [], assignees: [],
      }).kibanaCase.caseId);
    }
    const input = {
      search: marker, searchFields: ['title'], owners: ['cases'], assignees: [], returnAll: true,
    };
    // 3 pages: page 1, then pages 2 and 3 together; the newest case first.
    const all = cases.getManyCases(conn, { ...input, maxInFlight: 4 });
    assert.equal(all.total, 250);
    assert.deepEqual(all.cases.map((c) => c.caseId), made.toReversed());
    // One page after the other reads the same list.
    const one = cases.getManyCases(conn, { ...input, maxInFlight: 1 });
    assert.deepEqual(one.cases.map((c) => c.caseId), made.toReversed());

    const error = componentError(() => cases.getManyCases(conn, { ...input, maxInFlight: 17 }));
    assert.equal(error.payload.statusCode, -1);
    assert.equal(error.payload.kind, 'invalid-input');
    assert.match(error.payload.message, /^max-in-flight: must be between 1 and 16/);
  });

  test('err result: invalid input is status -1, kind invalid-input, nothing sent', () => {
    const error = componentError(() => cases.createCase(conn, {
      title: '   ', owner: 'security-solution', tags: [], assignees: [],
    }));
    assert.equal(error.payload.statusCode, -1);
    assert.equal(error.payload.kind, 'invalid-input');
    assert.equal(error.tag, 'permanent');
    assert.match(error.payload.message, /title/);

    const perPage = componentError(() => cases.getManyCases(conn, {
      perPage: 101, searchFields: [], owners: [], assignees: [],
    }));
    assert.equal(perPage.payload.statusCode, -1);
    assert.equal(perPage.payload.kind, 'invalid-input');
    assert.match(perPage.payload.message, /per-page/);

    // A value outside a WIT enum never reaches the component: jco's bindings throw
    // a plain TypeError while lowering the arguments.
    assert.throws(
      () => cases.createCase(conn, { title: 'x', owner: 'nobody', tags: [], assignees: [] }),
      (error) => error instanceof TypeError && !('payload' in error) && /owner/.test(error.message),
    );
  });

  test('credentials never appear in errors', () => {
    const apiKey = 'V25vdC10aGUta2V5OnMzY3IzdC12YWx1ZQ==';
    const refused = componentError(() => cases.getManyCases(
      { baseUrl: stub.url, auth: { tag: 'api-key', val: apiKey } },
      { searchFields: [], owners: [], assignees: [] },
    ));
    assert.equal(refused.payload.statusCode, 401);
    assert.equal(refused.payload.kind, 'unauthorized');
    assertNoSecret(refused, apiKey);

    const password = 'hunter2-s3cr3t';
    const wrongPassword = componentError(() => cases.getManyCases(
      { baseUrl: stub.url, auth: { tag: 'basic', val: { username: 'elastic', password } } },
      { searchFields: [], owners: [], assignees: [] },
    ));
    assert.equal(wrongPassword.payload.statusCode, 401);
    assertNoSecret(wrongPassword, password);

    // A key that cannot be sent as a header is refused before any request.
    const badKey = 'secret-with\nnewline';
    const invalid = componentError(() => cases.getCaseStatus(
      { baseUrl: stub.url, auth: { tag: 'api-key', val: badKey } }, 'any',
    ));
    assert.equal(invalid.payload.statusCode, -1);
    assert.equal(invalid.payload.kind, 'invalid-input');
    assert.match(invalid.payload.message, /api-key/);
    assertNoSecret(invalid, 'secret-with');

    // Connector secrets are never echoed either.
    const secrets = '{"password":"conn-s3cr3t"';
    const badSecrets = componentError(() => connectors.createConnector(conn, {
      name: 'Webhook', connectorTypeId: '.webhook', secrets,
    }));
    assert.equal(badSecrets.payload.kind, 'invalid-input');
    assert.match(badSecrets.payload.message, /secrets/);
    assertNoSecret(badSecrets, 'conn-s3cr3t');
  });
});

describe('transport failures come back as typed errors (status 0)', () => {
  let server;
  let baseUrl;

  before(async () => {
    server = spawn(process.execPath, [path.join(here, 'misbehaving-server.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = await once(server.stdout.setEncoding('utf8'), 'data');
    const port = /listening (\d+)/.exec(line)?.[1];
    assert.ok(port, `misbehaving server did not start: ${line}`);
    server.stdout.resume();
    baseUrl = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    if (server && server.exitCode === null) {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
    }
  });

  test('connection refused: unreachable', async () => {
    const port = await freePort(); // nothing listens there any more
    const error = componentError(() => cases.getCase(
      { baseUrl: `http://127.0.0.1:${port}` }, { caseId: 'x', includeComments: false },
    ));
    assert.equal(error.payload.statusCode, 0);
    assert.equal(error.payload.kind, 'unreachable');
    assert.equal(error.tag, 'retryable'); // nothing was sent
    assert.match(error.payload.message, /connection refused/);
  });

  test('no answer within timeout-ms: timeout', () => {
    const started = Date.now();
    const error = componentError(() => cases.getCase(
      { baseUrl, timeoutMs: 500 }, { caseId: 'silent', includeComments: false },
    ));
    assert.equal(error.payload.statusCode, 0);
    assert.equal(error.payload.kind, 'timeout');
    assert.equal(error.tag, 'retryable'); // a read may be repeated
    assert.ok(Date.now() - started < 10_000);
  });

  test('a body that stalls midway: a typed error, not a TypeError (wasi-http-shim.js)', () => {
    // preview2-shim's socket timeout aborts the response; its body stream then
    // fails with Node's "aborted", which the shim cannot express as a wasi:http
    // error-code: the component reports that the answer broke off, after the
    // request was sent (connection-lost).
    const error = componentError(() => cases.getCase(
      { baseUrl, timeoutMs: 500 }, { caseId: 'stall', includeComments: false },
    ));
    assert.equal(error.payload.statusCode, 0);
    assert.equal(error.payload.kind, 'connection-lost');
    assert.equal(error.tag, 'retryable');
    assert.match(error.payload.message, /broke off/);
  });
});
