/** The no-proxy limit: the client straight to one backend (HTTP) or the source straight to the sink (TCP). */
import type { Target, TargetContext } from './target';

/** The client talking to the backend itself: what any proxy's figures are bounded by. */
export const directTarget: Target = {
  name: 'direct',
  description: 'no proxy: the client straight to a backend (the limit of this machine)',
  startHttp: (context: TargetContext) => Promise.resolve({ port: context.backendPorts[0]!, stop: async () => {} }),
  startTcp: (context: TargetContext) => Promise.resolve({ port: context.tcpBackendPort, stop: async () => {} }),
};
