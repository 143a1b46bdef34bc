import type { Construct, IValidation } from 'constructs';
import type { z } from 'zod';
import type { PostActions, PreActions } from '../lib';
import type { IBackendService } from './backend-service';
import type { ListenerAction } from './listener-action';
import { renderConditions, repeatedConditions, type ListenerCondition } from './listener-condition';
import type { ILoadBalancer } from './load-balancer';
import { AlbResource, type IAlbResource } from './shared/alb-resource';
import { ImportedResource } from './shared/imported-resource';

/** A url map: a `UrlMap` construct or an imported reference (`UrlMap.fromResourceId`). */
export interface IUrlMap extends IAlbResource {
  /** The kind: `UrlMap`. */
  readonly kind: 'UrlMap';
}

/** Request changes of a forwarded request, as users write them; `mirror` takes a backend service. */
export interface PreActionProps extends Omit<z.input<typeof PreActions>, 'mirror'> {
  /** Also send a copy of the request to this backend service; its answer is dropped. @default none */
  readonly mirror?: IBackendService;
}

/** Response changes, as users write them. */
export type PostActionProps = z.input<typeof PostActions>;

/** One forwarding rule. */
export interface UrlMapRuleProps {
  /** Order of evaluation, 1–50000, unique in the url map; the lowest matching priority wins. */
  readonly priority: number;
  /** What a request must match: every condition holds (at least one). */
  readonly conditions: ListenerCondition[];
  /** What a matching request gets. */
  readonly action: ListenerAction;
  /** Request changes, for `forward` and `weightedForward` only. @default none */
  readonly preActions?: PreActionProps;
  /** Response changes, for `forward` and `weightedForward` only. @default none */
  readonly postActions?: PostActionProps;
}

/** Props of a `UrlMap` created through `LoadBalancer.addUrlMap`. */
export interface AddUrlMapProps {
  /** The rules; more can be added with `addRule`. @default [] */
  readonly rules?: UrlMapRuleProps[];
}

/** Props of a `UrlMap`. */
export interface UrlMapProps extends AddUrlMapProps {
  /** The load balancer the url map belongs to. */
  readonly loadBalancer: ILoadBalancer;
}

/**
 * A url map: the forwarding rules of one load balancer, tried in priority order by the HTTP and HTTPS listeners
 * that name it; a request no rule matches goes to the listener's own backend service.
 */
export class UrlMap extends AlbResource implements IUrlMap {
  /**
   * A reference to a url map made elsewhere (another stack, another face), by its id on the agent. It synthesizes
   * no resource; the agent checks at deploy that it exists.
   */
  static fromResourceId(scope: Construct, id: string, resourceId: string): IUrlMap {
    return new ImportedResource(scope, id, 'UrlMap', resourceId);
  }

  readonly kind = 'UrlMap' as const;
  /** The load balancer the url map belongs to. */
  readonly loadBalancer: ILoadBalancer;
  private readonly rules: UrlMapRuleProps[];

  constructor(scope: Construct, id: string, props: UrlMapProps) {
    super(scope, id);
    this.loadBalancer = props.loadBalancer;
    this.rules = [...(props.rules ?? [])];
    this.node.addValidation(new RepeatedConditions(this.rules));
  }

  /** Adds a rule. */
  addRule(rule: UrlMapRuleProps): this {
    this.rules.push(rule);
    return this;
  }

  protected renderSpec(): Record<string, unknown> {
    return {
      loadBalancer: this.loadBalancer.resourceId,
      rules: this.rules.map(({ priority, conditions, action, preActions, postActions }) => {
        const { mirror, ...requestChanges } = preActions ?? {};
        const pre = preActions && {
          ...requestChanges,
          ...(mirror ? { mirror: { backendService: mirror.resourceId } } : {}),
        };
        return {
          priority,
          conditions: renderConditions(conditions),
          action: action.render(),
          ...(pre ? { preActions: pre } : {}),
          ...(postActions ? { postActions } : {}),
        };
      }),
    };
  }
}

/** A rule given one condition type twice (other than `httpHeader`): put every value in one condition instead. */
class RepeatedConditions implements IValidation {
  constructor(private readonly rules: readonly UrlMapRuleProps[]) {}
  validate(): string[] {
    return this.rules.flatMap((rule, index) =>
      repeatedConditions(rule.conditions).map(
        (field) =>
          `rules[${index}].conditions.${field}: given twice; put every value in one condition (any of them matches)`,
      ),
    );
  }
}
