import { expect } from 'chai';
import { destroysWith } from '../../../runtime/terraform/destroy-run';

describe('Terraform destroy runs, from Terraform’s command line', () => {
  it('knows terraform destroy and the -destroy plans and applies, with global options before the command', () => {
    expect(destroysWith(['destroy', '-auto-approve'])).to.equal(true);
    expect(destroysWith(['-chdir=infra', 'destroy'])).to.equal(true);
    expect(destroysWith(['apply', '-destroy', '-auto-approve'])).to.equal(true);
    expect(destroysWith(['plan', '--destroy'])).to.equal(true);
    expect(destroysWith(['plan', '-destroy=true'])).to.equal(true);
  });

  it('takes every other command for one that validates', () => {
    expect(destroysWith(['plan'])).to.equal(false);
    expect(destroysWith(['apply', '-auto-approve'])).to.equal(false);
    expect(destroysWith(['plan', '-destroy=false'])).to.equal(false);
    expect(destroysWith(['validate'])).to.equal(false);
    expect(destroysWith(['test'])).to.equal(false);
    expect(destroysWith([])).to.equal(false);
  });
});
