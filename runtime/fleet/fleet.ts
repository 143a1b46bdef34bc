/**
 * The fleet an agent belongs to, as the control API and the reconciler see it: the live nodes, and whether
 * this agent is the leader that runs the fleet-once work. An agent on the state file is a fleet of one.
 */
import type { NodeInfo } from './node';

/** The TTL of a node's lease and the leader's when `--lease-ttl` is not given, in seconds. */
export const DEFAULT_LEASE_TTL_S = 10;

export interface Fleet {
  /** This agent's node id. */
  readonly nodeId: string;
  /** True while this agent is the fleet's leader (always, for a fleet of one). */
  readonly isLeader: boolean;
  /** The live nodes, sorted by id, the leader marked. */
  nodes(): Promise<NodeInfo[]>;
  /** Records the state revision this agent's data plane now runs. */
  applied(revision: string): void;
  /** Leaves the fleet (the node's key goes at once, and the leadership with it). */
  close(): Promise<void>;
}

/** What a node reports about itself, but for its applied revision and leadership. */
export type NodeSelf = Omit<NodeInfo, 'appliedRevision' | 'leader'>;

/** The fleet of one agent on the state file. */
export class LocalFleet implements Fleet {
  readonly isLeader = true;
  private revision = '0';

  constructor(private readonly self: NodeSelf) {}

  get nodeId(): string {
    return this.self.id;
  }

  nodes(): Promise<NodeInfo[]> {
    return Promise.resolve([{ ...this.self, appliedRevision: this.revision, leader: true }]);
  }

  applied(revision: string): void {
    this.revision = revision;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
