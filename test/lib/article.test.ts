import { expect } from 'chai';
import { withArticle } from '../../lib/article';

describe('withArticle', () => {
  it('reads protocol names letter by letter: an HTTP, an HTTPS, a TCP, a TLS', () => {
    expect(['HTTP', 'HTTPS', 'TCP', 'TLS'].map(withArticle)).to.deep.equal(['an HTTP', 'an HTTPS', 'a TCP', 'a TLS']);
  });
  it('takes "an" before a vowel in any other word: an Eip, an AvailabilityGroup, a LoadBalancer', () => {
    expect(['Eip', 'AvailabilityGroup', 'LoadBalancer', 'ServerGroup'].map(withArticle)).to.deep.equal([
      'an Eip',
      'an AvailabilityGroup',
      'a LoadBalancer',
      'a ServerGroup',
    ]);
  });
});
