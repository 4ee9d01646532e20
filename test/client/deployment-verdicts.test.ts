import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgePollers, type DeploymentState, type Poller } from '../../src/client/deployment';

const deployment: DeploymentState = {
  name: 'ticket-tracker',
  current: '0.2.0',
  ramping: null,
  versions: [
    { buildId: '0.1.0', status: 'draining' },
    { buildId: '0.2.0', status: 'current' },
    { buildId: '0.3.0', status: 'inactive' },
    { buildId: '0.0.9', status: 'drained' },
  ],
  routingSettled: true,
};
const poller = (identity: string, version: Poller['version']): Poller => ({ identity, lastPollAt: null, version });
const verdictOf = (p: Poller, d: DeploymentState | null = deployment) => judgePollers([p], 'ticket-tracker', d)[0]!;

describe("tracker status's verdict on each worker", () => {
  it('refuses a worker of a build id the deployment does not have, naming it and the builds there are', () => {
    const v = verdictOf(poller('7@a node v24.22.3', { deploymentName: 'ticket-tracker', buildId: '9.9.9' }));
    assert.equal(v.verdict, 'refused');
    assert.equal(
      v.reason,
      'unknown build id "9.9.9": deployment ticket-tracker has 0.1.0 (draining), 0.2.0 (current), 0.3.0 (inactive), 0.0.9 (drained)',
    );
  });

  it('refuses a worker of another deployment, and an unversioned one once a build is current', () => {
    assert.deepEqual(
      verdictOf(poller('w', { deploymentName: 'other', buildId: '0.2.0' })).reason,
      'build 0.2.0 of deployment other, not of ticket-tracker',
    );
    const unversioned = verdictOf(poller('w', null));
    assert.equal(unversioned.verdict, 'refused');
    assert.match(unversioned.reason, /unversioned, while deployment ticket-tracker has current build 0\.2\.0/);
  });

  it('serves on the current, ramping or draining build; idles on one nothing is routed to', () => {
    const of = (buildId: string) => verdictOf(poller('w', { deploymentName: 'ticket-tracker', buildId }));
    assert.equal(of('0.2.0').verdict, 'serving');
    assert.equal(of('0.1.0').verdict, 'serving');
    assert.equal(of('0.3.0').verdict, 'idle');
    assert.match(of('0.3.0').reason, /tracker promote 0\.3\.0/);
    assert.equal(of('0.0.9').verdict, 'idle');
    assert.match(of('0.0.9').reason, /drained: .* can be stopped/);
  });

  it('takes a worker silent for more than two minutes as gone, whatever its build', () => {
    const now = Date.parse('2026-12-08T02:00:00Z');
    const judged = judgePollers(
      [
        { identity: 'old', lastPollAt: '2026-12-08T01:57:30.000Z', version: { deploymentName: 'elsewhere', buildId: '0.2.0' } },
        { identity: 'live', lastPollAt: '2026-12-08T01:59:10.000Z', version: { deploymentName: 'ticket-tracker', buildId: '0.2.0' } },
      ],
      'ticket-tracker',
      deployment,
      now,
    );
    assert.deepEqual(
      judged.map((j) => [j.poller.identity, j.verdict, j.reason]),
      [
        ['old', 'gone', 'build 0.2.0, last polled 150 s ago: stopped'],
        ['live', 'serving', 'build 0.2.0 (current)'],
      ],
    );
  });

  it('takes unversioned workers as serving where no deployment exists (the dev stack)', () => {
    assert.deepEqual(verdictOf(poller('w', null), null), { poller: poller('w', null), verdict: 'serving', reason: 'unversioned' });
  });
});
