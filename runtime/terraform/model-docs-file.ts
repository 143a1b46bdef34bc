/** Where the provider reads the model's own words from: `model-docs.json`, written by tools/gen/model-docs.ts. */
import { resolve } from 'node:path';

/** The committed documentation file, beside the provider sources, keyed `<Kind>.<field path>`. */
export const MODEL_DOCS_FILE = resolve(__dirname, '..', '..', '..', 'runtime', 'terraform', 'model-docs.json');
