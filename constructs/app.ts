import { Construct, type IConstruct } from 'constructs';
import { formatIssue, manifestOf, ValidationError, type Issue, type Manifest, type RawResource } from '../lib';
import { AlbResource, checkTree, issuesAbout, resourcesWithin, whileChecked } from './shared/alb-resource';
import { externalsWithin } from './shared/imported-resource';

/**
 * The root of an albkit application. Resources are its descendants; `synth()` validates them all together
 * and returns the manifest. A module whose default export is an `App` is what `albkit synth` loads.
 */
export class App extends Construct {
  constructor() {
    super(undefined as unknown as Construct, '');
  }

  /** Every resource of the app, as the manifest takes it before validation. */
  rawResources(): RawResource[] {
    return resourcesWithin(this).map((resource) => resource.toRawResource());
  }

  /**
   * Validates the whole app and returns the manifest. Every construct's validations run (`node.addValidation`:
   * the model's issues about each resource, and any a user added); their errors are thrown together as one
   * `ValidationError`, construct by construct, each with its construct path.
   */
  synth(): Manifest {
    const check = checkTree(this);
    const issues = whileChecked(this, check, () => this.node.findAll().flatMap(validationIssues));
    const reported = new Set(resourcesWithin(this).map((resource) => resource.resourceId));
    issues.push(...check.issues.filter((issue) => !reported.has(issue.path)));
    if (issues.length > 0) throw new ValidationError(issues);
    return manifestOf(check.resources, externalsWithin(this));
  }
}

/**
 * A construct's validation errors as issues with its path: the model's issues about a resource keep their
 * field; an error of another validation is an issue of the construct as a whole.
 */
function validationIssues(construct: IConstruct): Issue[] {
  const model = AlbResource.isAlbResource(construct) ? issuesAbout(construct) : [];
  return construct.node.validate().map((error) => {
    const index = model.findIndex((issue) => formatIssue({ ...issue, path: '' }) === error);
    return index >= 0 ? model.splice(index, 1)[0]! : { path: construct.node.path, field: '', message: error };
  });
}
