import { expect } from 'chai';
import { colourWanted } from '../../bin/colour';

describe('CLI colour', () => {
  const tty = { isTTY: true };
  const pipe = {};

  it('colours a terminal, not a pipe', () => {
    expect(colourWanted(tty, {})).to.equal(true);
    expect(colourWanted(pipe, {})).to.equal(false);
  });

  it('honours NO_COLOR set to anything but the empty string (no-color.org), and TERM=dumb', () => {
    expect(colourWanted(tty, { NO_COLOR: '1' })).to.equal(false);
    expect(colourWanted(tty, { NO_COLOR: 'false' })).to.equal(false);
    expect(colourWanted(tty, { NO_COLOR: '' })).to.equal(true);
    expect(colourWanted(tty, { TERM: 'dumb' })).to.equal(false);
  });

  it('colours even a pipe with FORCE_COLOR, unless it is 0 or false, and FORCE_COLOR wins over NO_COLOR', () => {
    expect(colourWanted(pipe, { FORCE_COLOR: '1' })).to.equal(true);
    expect(colourWanted(pipe, { FORCE_COLOR: '' })).to.equal(true);
    expect(colourWanted(tty, { FORCE_COLOR: '0' })).to.equal(false);
    expect(colourWanted(tty, { FORCE_COLOR: 'false' })).to.equal(false);
    expect(colourWanted(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).to.equal(true);
  });
});
