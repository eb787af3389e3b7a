// The credentials' secrets never show up in what n8n prints, logs (at debug level, on
// the console and in its log file) or keeps (its database: workflows, encrypted
// credentials, executions with their data), whether the steps succeed, fail, or are
// refused for a wrong key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  CREDENTIAL_TYPE,
  nodeItems,
  SIM_API_KEY,
  SIM_USER,
  startRig,
  workflow,
} from './harness.mjs';

/** A key the simulator refuses: it must not leak either. */
const WRONG_KEY = 'refused-key-7Qv2xK9w';
const basicHeader = Buffer.from(`${SIM_USER.username}:${SIM_USER.password}`).toString('base64');
const SECRETS = [SIM_API_KEY, SIM_USER.password, basicHeader, WRONG_KEY];

describe('the secrets stay secret', { timeout: 300_000 }, () => {
  let rig;
  let caseId;
  const runs = [];

  before(async () => {
    rig = await startRig();
    const wrong = {
      id: 'simWrongKey00001',
      name: 'Simulator (a wrong key)',
      type: CREDENTIAL_TYPE,
      data: { baseUrl: rig.sim.url, authType: 'apiKey', apiKey: WRONG_KEY, spaceId: '' },
    };
    await rig.n8n.importCredentials([wrong]);
    const refused = {
      ...rig.node('Refused', 'get-case-tags', {}),
      credentials: { [CREDENTIAL_TYPE]: { id: wrong.id, name: wrong.name } },
    };
    await rig.n8n.importWorkflows([
      workflow('esSecretsOk', 'Succeeds and continues', [
        rig.node('Create', 'create-case', { Title: 'Leak check', Owner: 'cases' }),
        rig.node('Basic', 'get-case-tags', {}, { credential: 'basicAuth' }),
        rig.node(
          'Missing',
          'get-case',
          { CaseId: 'no-such-case' },
          { onError: 'continueRegularOutput' },
        ),
      ]),
      workflow('esSecretsFails', 'Fails', [
        rig.node('Missing', 'get-case', { CaseId: 'no-such-case' }, { credential: 'basicAuth' }),
      ]),
      workflow('esSecretsRefused', 'Refused', [refused]),
    ]);
    await rig.sim.clearRequests();
    for (const id of ['esSecretsOk', 'esSecretsFails', 'esSecretsRefused']) {
      runs.push(await rig.n8n.execute(id));
    }
    caseId = nodeItems(runs[0].execution, 'Create')?.[0]?.json.CaseId;
  });

  after(async () => {
    await rig?.stop();
  });

  test('the workflows ran with the secrets: accepted, refused, failed as intended', async () => {
    assert.deepEqual(
      runs.map((r) => r.ok),
      [true, false, false],
    );
    assert.equal(typeof caseId, 'string');
    const requests = await rig.sim.requests();
    assert.deepEqual(
      requests.map((r) => [r.method, r.path, r.auth]),
      [
        ['POST', '/api/cases', 'api-key accepted'],
        ['GET', '/s/soc-team/api/cases/tags', 'basic accepted'],
        ['GET', '/api/cases/no-such-case', 'api-key accepted'],
        ['GET', '/s/soc-team/api/cases/no-such-case', 'basic accepted'],
        ['GET', '/api/cases/tags', 'api-key refused'],
      ],
    );
    assert.equal(runs[2].execution.data.resultData.error.httpCode, '401');
  });

  test('not in what n8n printed (debug level)', () => {
    assert.ok(
      rig.n8n.outputs.some((o) => o.stdout.includes(caseId)),
      'the output holds the run',
    );
    for (const { args, stdout, stderr } of rig.n8n.outputs) {
      for (const secret of SECRETS) {
        assert.ok(!stdout.includes(secret), `n8n ${args[0]} printed ${secret}`);
        assert.ok(!stderr.includes(secret), `n8n ${args[0]} printed ${secret} on stderr`);
      }
    }
  });

  test('not in its log files', () => {
    const logs = rig.n8n.logs();
    assert.ok(logs.includes('no-such-case'), 'the logs hold the failure');
    for (const secret of SECRETS) assert.ok(!logs.includes(secret), `the logs hold ${secret}`);
  });

  test('not in its database (the executions with their data, the credentials)', async () => {
    const db = await rig.n8n.databaseText();
    assert.ok(db.includes(caseId), "the database holds the executions' data");
    assert.ok(db.includes('Simulator (a wrong key)'), 'the database holds the credentials');
    for (const secret of SECRETS) assert.ok(!db.includes(secret), `the database holds ${secret}`);
  });

  test('not in any file of the user folder', () => {
    for (const secret of SECRETS) assert.deepEqual(rig.n8n.filesContaining(secret), [], secret);
  });
});
