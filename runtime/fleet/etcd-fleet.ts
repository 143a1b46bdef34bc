/**
 * A fleet on etcd: each agent registers `nodes/<node id>` under its prefix, on a lease it keeps alive, so a
 * node that dies (or loses etcd) drops out of the list once its lease's TTL runs out; and each campaigns in
 * the etcd election `election/leader/`, whose winner (lease-based too) runs the fleet-once work. A lease or a
 * campaign lost while etcd is unreachable is taken again with a jittered retry once etcd answers.
 */
import type { Campaign, Election, Lease, Namespace } from 'etcd3';
import type { Logger } from 'pino';
import type { Fleet, NodeSelf } from './fleet';
import type { NodeInfo } from './node';

/** The key folder of the nodes under the fleet's prefix. */
export const NODES_FOLDER = 'nodes/';

/** The election's name: its keys are `election/leader/<lease>`. */
const ELECTION = 'leader';

export interface EtcdFleetOptions {
  /** The fleet's keys (the store's namespace: the prefix and `/`). */
  keys: Namespace;
  self: NodeSelf;
  /** The TTL of the node's lease and of the leader's, in seconds; a dead node is gone after at most this long. */
  ttlSeconds: number;
  logger: Logger;
}

/** This agent as a node of a fleet on etcd. */
export class EtcdFleet implements Fleet {
  private readonly election: Election;
  private lease: Lease | undefined;
  private campaign: Campaign | undefined;
  private elected = false;
  private revision = '0';
  private closed = false;
  private registering: Promise<void> = Promise.resolve();
  private pendingRegistration = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly options: EtcdFleetOptions) {
    this.election = options.keys.election(ELECTION, options.ttlSeconds);
  }

  /** Registers the node (rejects when etcd does not take it) and enters the election. */
  static async join(options: EtcdFleetOptions): Promise<EtcdFleet> {
    const fleet = new EtcdFleet(options);
    await fleet.grant();
    fleet.campaignForLeader();
    return fleet;
  }

  get nodeId(): string {
    return this.options.self.id;
  }

  get isLeader(): boolean {
    return this.elected && !this.closed;
  }

  /** The nodes whose lease is alive, the election's leader marked. Rejects when etcd does not answer. */
  async nodes(): Promise<NodeInfo[]> {
    const [stored, leader] = await Promise.all([
      this.options.keys.getAll().prefix(NODES_FOLDER).strings(),
      this.election.leader(),
    ]);
    return Object.values(stored)
      .map((value) => ({ ...(JSON.parse(value) as Omit<NodeInfo, 'leader'>), leader: false }))
      .map((node) => ({ ...node, leader: node.id === leader }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  applied(revision: string): void {
    this.revision = revision;
    this.register();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.registering;
    await this.campaign?.resign().catch(() => undefined);
    await this.lease?.revoke().catch(() => undefined);
  }

  private get key(): string {
    return `${NODES_FOLDER}${this.options.self.id}`;
  }

  private get value(): string {
    const node: Omit<NodeInfo, 'leader'> = { ...this.options.self, appliedRevision: this.revision };
    return JSON.stringify(node);
  }

  /** Grants a lease and puts the node's key on it; a lost lease is granted again. */
  private async grant(): Promise<void> {
    const lease = this.options.keys.lease(this.options.ttlSeconds);
    this.lease = lease;
    lease.on('lost', (error) => {
      if (this.closed || this.lease !== lease) return;
      this.options.logger.warn({ err: error }, `fleet: the lease of node ${this.nodeId} was lost; registering again`);
      this.later(() => this.grant());
    });
    try {
      await lease.put(this.key).value(this.value).exec();
    } catch (error) {
      lease.removeAllListeners('lost');
      void lease.revoke().catch(() => undefined);
      throw new Error(`fleet: node ${this.nodeId} could not register in etcd: ${(error as Error).message}`);
    }
  }

  /** Puts the node's key again (its applied revision changed), one put at a time, the last value winning. */
  private register(): void {
    if (this.pendingRegistration || this.closed) return;
    this.pendingRegistration = true;
    this.registering = this.registering.then(async () => {
      this.pendingRegistration = false;
      const lease = this.lease;
      if (this.closed || lease === undefined) return;
      await lease
        .put(this.key)
        .value(this.value)
        .exec()
        .then(
          () => undefined,
          (error: Error) =>
            this.options.logger.debug({ err: error }, `fleet: node ${this.nodeId}: applied revision not reported`),
        );
    });
  }

  /** Campaigns for leadership; a campaign that fails (its lease lost) is started again. */
  private campaignForLeader(): void {
    if (this.closed) return;
    const campaign = this.election.campaign(this.nodeId);
    this.campaign = campaign;
    campaign.on('elected', () => {
      this.elected = true;
      this.options.logger.info({ node: this.nodeId }, `fleet: node ${this.nodeId} is the leader`);
    });
    campaign.on('error', (error) => {
      if (this.campaign !== campaign) return;
      if (this.elected) this.options.logger.warn({ err: error }, `fleet: node ${this.nodeId} is no longer the leader`);
      this.elected = false;
      this.campaign = undefined;
      void campaign.resign().catch(() => undefined);
      if (!this.closed) this.later(() => Promise.resolve(this.campaignForLeader()));
    });
  }

  /** Runs `attempt` after a jittered wait (between half and the whole TTL), again until it succeeds. */
  private later(attempt: () => Promise<void>): void {
    if (this.closed) return;
    const delayMs = Math.round(((0.5 + Math.random() / 2) * this.options.ttlSeconds * 1000) / 2);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      attempt().catch((error: Error) => {
        this.options.logger.warn({ err: error }, `fleet: node ${this.nodeId}: ${error.message}; retrying`);
        this.later(attempt);
      });
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }
}
