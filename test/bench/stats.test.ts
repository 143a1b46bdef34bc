import { expect } from 'chai';
import { ratio, summarize } from '../../bench/stats';

describe('bench statistics', () => {
  it('gives the median and range of an odd and an even number of figures', () => {
    expect(summarize([3, 1, 2])).to.deep.equal({ median: 2, min: 1, max: 3, count: 3 });
    expect(summarize([4, 1, 3, 2])).to.deep.equal({ median: 2.5, min: 1, max: 4, count: 4 });
  });

  it('ignores missing figures and is empty without any', () => {
    expect(summarize([Number.NaN, 5])).to.deep.equal({ median: 5, min: 5, max: 5, count: 1 });
    expect(summarize([]).count).to.equal(0);
    expect(Number.isNaN(summarize([]).median)).to.equal(true);
  });

  it('has no ratio to a missing or zero reference', () => {
    expect(ratio(3, 4)).to.equal(0.75);
    expect(Number.isNaN(ratio(3, 0))).to.equal(true);
    expect(Number.isNaN(ratio(Number.NaN, 4))).to.equal(true);
  });
});
