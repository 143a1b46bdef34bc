import type { z } from 'zod';
import type { FixedResponseAction, RedirectAction, RuleAction } from '../lib';
import type { IBackendService } from './backend-service';

/** A redirect as users write it: every part not given keeps the request's own; the status code defaults to 301. */
export type RedirectProps = z.input<typeof RedirectAction>;

/** A fixed response's content type and body. */
export type FixedResponseProps = Omit<z.input<typeof FixedResponseAction>, 'statusCode'>;

/** One backend service of a weighted forward and its share of requests (0–999). */
export interface WeightedTargetProps {
  /** The backend service (HTTP, of the url map's load balancer). */
  readonly backendService: IBackendService;
  /** Its share of requests, relative to the other targets' weights. */
  readonly weight: number;
}

/** Options of a weighted forward. */
export interface WeightedForwardOptions {
  /** Keep a client on the backend service it first got, by cookie, for this many seconds; 0 is off. @default 0 */
  readonly stickinessSeconds?: number;
}

/** What a rule does with a matching request: one action, rendered lazily so backend service ids resolve at synth. */
export class ListenerAction {
  /** Forward to one backend service. */
  static forward(backendService: IBackendService): ListenerAction {
    return new ListenerAction(() => ({ forward: { backendService: backendService.resourceId } }));
  }

  /** Split requests over 2–5 backend services by weight (canary, blue/green). */
  static weightedForward(targets: WeightedTargetProps[], options: WeightedForwardOptions = {}): ListenerAction {
    return new ListenerAction(() => ({
      weightedForward: {
        targets: targets.map(({ backendService, weight }) => ({ backendService: backendService.resourceId, weight })),
        ...(options.stickinessSeconds === undefined ? {} : { stickinessSeconds: options.stickinessSeconds }),
      },
    }));
  }

  /** Answer with a redirect. */
  static redirect(props: RedirectProps): ListenerAction {
    return new ListenerAction(() => ({ redirect: { ...props } }));
  }

  /** Answer from the load balancer itself with `statusCode` (200–599), a content type and a body of at most 1 KiB. */
  static fixedResponse(statusCode: number, props: FixedResponseProps = {}): ListenerAction {
    return new ListenerAction(() => ({ fixedResponse: { statusCode, ...props } }));
  }

  private constructor(private readonly rendered: () => z.input<typeof RuleAction>) {}

  /** The action as the model's `action` field takes it. */
  render(): z.input<typeof RuleAction> {
    return this.rendered();
  }
}
