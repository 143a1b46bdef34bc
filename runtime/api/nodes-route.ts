/** `GET /v1/nodes`: the live nodes of the agent's fleet (one, on the state file), the leader marked. */
import type { FastifyInstance } from 'fastify';
import type { Fleet } from '../fleet/fleet';
import { ApiError } from './errors';

/** Adds `GET /v1/nodes` to the control API. */
export function registerNodesRoute(app: FastifyInstance, fleet: Fleet): void {
  app.get('/v1/nodes', async () => {
    try {
      return { items: await fleet.nodes() };
    } catch (error) {
      throw new ApiError(
        'STORE_UNAVAILABLE',
        `the fleet's nodes cannot be listed: etcd did not answer (${
          (error as Error).message
        }); retry once etcd answers`,
      );
    }
  });
}
