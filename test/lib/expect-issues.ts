import { expect } from 'chai';
import { ValidationError, validateResources, type Issue, type RawResource } from '../../lib';

/** The issues validation reports for `resources` (empty when valid). */
export function issuesOf(resources: RawResource[]): Issue[] {
  try {
    validateResources(resources);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
}

/** Asserts validation fails with an issue at `path` and `field` whose message matches `message`. */
export function expectIssue(resources: RawResource[], path: string, field: string, message: RegExp): void {
  const issues = issuesOf(resources);
  const match = issues.find((issue) => issue.path === path && issue.field === field && message.test(issue.message));
  expect(match, `expected ${path}: ${field}: ${message} among ${JSON.stringify(issues, null, 1)}`).to.not.equal(
    undefined,
  );
}

/** Asserts validation passes. */
export function expectValid(resources: RawResource[]): void {
  expect(issuesOf(resources)).to.deep.equal([]);
}
