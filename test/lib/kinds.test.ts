import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KIND_NAMES, KINDS } from '../../lib';
import { expectIssue, expectValid } from './expect-issues';
import { baseResources, withSpec } from '../fixtures/resources';

/** The TSDoc of every model field, `<Kind>.<field>`, as generated from lib/model (kept fresh by its own test). */
const MODEL_DOCS = JSON.parse(
  readFileSync(join(__dirname, '../../../runtime/terraform/model-docs.json'), 'utf8'),
) as Record<string, string>;

describe('kind registry', () => {
  it('documents exactly the replaceOnChange fields as replacing the resource', () => {
    for (const kind of KIND_NAMES) {
      const fields = Object.keys((KINDS[kind].schema as unknown as z.ZodObject).shape);
      const documented = fields.filter((field) => /\breplaces\b/.test(MODEL_DOCS[`${kind}.${field}`] ?? ''));
      expect(documented, kind).to.have.members([...KINDS[kind].replaceOnChange]);
    }
  });

  it('gives every kind its own control API collection', () => {
    const collections = KIND_NAMES.map((kind) => KINDS[kind].collection);
    expect(new Set(collections).size).to.equal(KIND_NAMES.length);
  });
});

describe('model details', () => {
  it('takes a status code range only from its lower code to its higher', () => {
    expectValid(withSpec(baseResources(), 'web/backend', { healthCheck: { statusCodes: ['200-299'] } }));
    expectIssue(
      withSpec(baseResources(), 'web/backend', { healthCheck: { statusCodes: ['299-200'] } }),
      'web/backend',
      'healthCheck.statusCodes[0]',
      /lower code to its higher/,
    );
  });

  it('says what a load balancer name may hold', () => {
    expectIssue(withSpec(baseResources(), 'web', { name: 'my web' }), 'web', 'name', /^must be letters, digits/);
  });
});
