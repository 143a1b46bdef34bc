import { expect } from 'chai';
import type { Plan, Step } from '../../../lib';
import { TTY_RUNNING_SHOWN, ttyReporter } from '../../../runtime/deploy/progress';

describe('ttyReporter', () => {
  it(`lists at most ${TTY_RUNNING_SHOWN} steps in flight by name and counts the rest`, () => {
    const steps = Array.from({ length: 30 }, (_, i): Step => ({
      action: 'create',
      operation: 'put',
      id: `web/l${i}`,
      kind: 'Listener',
      fields: [],
    }));
    const plan: Plan = { waves: [steps], summary: { create: 30, update: 0, replace: 0, delete: 0 } };
    let text = '';
    const report = ttyReporter({ write: (chunk: string) => (text += chunk) });
    report({ type: 'plan', plan, dryRun: false });
    for (const step of steps) report({ type: 'start', wave: 1, step });
    const region = text
      .slice(text.lastIndexOf('\x1b[0J') + 4)
      .split('\n')
      .filter(Boolean);
    expect(region).to.have.length(TTY_RUNNING_SHOWN + 2);
    expect(region.at(-2)).to.equal(`… and ${30 - TTY_RUNNING_SHOWN} more`);
    expect(region.at(-1)).to.equal('wave 1/1, 0/30 done');
  });
});
