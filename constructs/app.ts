import { Construct } from 'constructs';
import { buildManifest, type Manifest, type RawResource } from '../lib';
import { resourcesWithin } from './shared/alb-resource';

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

  /** Validates the whole app (throws `ValidationError` listing every issue) and returns the manifest. */
  synth(): Manifest {
    return buildManifest(this.rawResources());
  }
}
