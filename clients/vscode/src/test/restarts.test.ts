import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RestartPolicy } from '../restarts';

describe('RestartPolicy', () => {
  it('restarts a crashed server 3 times within the window, then stops', () => {
    const policy = new RestartPolicy(3, 60_000);
    const answers = [0, 1000, 2000, 3000, 4000].map((t) => policy.onCrash(t, true));
    assert.deepEqual(
      answers.map((a) => a.restart),
      [true, true, true, false, false],
    );
    assert.equal(answers[4].crashes, 5);
  });

  it('forgets crashes older than the window', () => {
    const policy = new RestartPolicy(2, 10_000);
    assert.equal(policy.onCrash(0, true).restart, true);
    assert.equal(policy.onCrash(1_000, true).restart, true);
    assert.equal(policy.onCrash(2_000, true).restart, false);
    assert.equal(policy.onCrash(20_000, true).restart, true);
  });

  it('never restarts a server that did not finish starting: no restart loop', () => {
    const policy = new RestartPolicy();
    assert.equal(policy.onCrash(0, false).restart, false);
  });

  it('starts afresh after reset (a user restart)', () => {
    const policy = new RestartPolicy(1, 60_000);
    policy.onCrash(0, true);
    assert.equal(policy.onCrash(1, true).restart, false);
    policy.reset();
    assert.equal(policy.onCrash(2, true).restart, true);
  });
});
