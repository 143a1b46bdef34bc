/**
 * What the control plane uses of the data plane (`runtime/dataplane/dataplane.ts`): apply, health and stop.
 * The agent depends on this narrow view only.
 */
import type { BindOutcome, DataPlane } from '../dataplane/dataplane';

export type { BindOutcome };

/** The data plane as the agent drives it. */
export type DataPlanePort = Pick<DataPlane, 'apply' | 'health' | 'stop'>;
