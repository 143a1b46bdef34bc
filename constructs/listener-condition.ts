import type { HeaderCondition, HttpMethod, QueryCondition, RuleConditions } from '../lib';

/** The condition fields of a rule, as the model names them. */
export type ConditionField = keyof RuleConditions;

/**
 * What a rule matches, one condition type per `ListenerCondition`: every condition of a rule must hold, and
 * within one condition any of its values will do (`httpHeader` conditions each must hold).
 */
export class ListenerCondition {
  /** The Host header is one of `hosts`: exact (`www.example.com`) or one leading wildcard label (`*.example.com`). */
  static hostHeaders(hosts: string[]): ListenerCondition {
    return new ListenerCondition('hosts', { hosts });
  }

  /** The path is one of `paths`: exact (`/login`) or a prefix ending in `/*` (`/api/*`). */
  static pathPatterns(paths: string[]): ListenerCondition {
    return new ListenerCondition('paths', { paths });
  }

  /** Header `name` is present with one of `values` (case-insensitive, `*` and `?` wildcards). */
  static httpHeader(name: string, values: string[]): ListenerCondition {
    const header: HeaderCondition = { name, values };
    return new ListenerCondition('headers', { headers: [header] });
  }

  /** The query string carries one of these `key=value` pairs. */
  static queryStrings(queries: QueryCondition[]): ListenerCondition {
    return new ListenerCondition('queries', { queries });
  }

  /** The method is one of `methods`. */
  static httpRequestMethods(methods: HttpMethod[]): ListenerCondition {
    return new ListenerCondition('methods', { methods });
  }

  /** The client's address (the peer's, not X-Forwarded-For) lies in one of `cidrs`. */
  static sourceIps(cidrs: string[]): ListenerCondition {
    return new ListenerCondition('sourceCidrs', { sourceCidrs: cidrs });
  }

  private constructor(
    /** The model's field this condition sets. */
    readonly field: ConditionField,
    private readonly rendered: RuleConditions,
  ) {}

  /** The condition as the model's `conditions` field takes it. */
  render(): RuleConditions {
    return this.rendered;
  }
}

/**
 * The model's `conditions` of a rule made of `conditions`; `httpHeader` conditions add up, and a second condition of
 * another type is reported by `repeatedConditions`.
 */
export function renderConditions(conditions: readonly ListenerCondition[]): RuleConditions {
  const result: RuleConditions = {};
  for (const condition of conditions) {
    const rendered = condition.render();
    if (condition.field === 'headers') result.headers = [...(result.headers ?? []), ...(rendered.headers ?? [])];
    else Object.assign(result, rendered);
  }
  return result;
}

/** The condition types given more than once in `conditions` (`httpHeader` may repeat). */
export function repeatedConditions(conditions: readonly ListenerCondition[]): ConditionField[] {
  const fields = conditions.map((condition) => condition.field).filter((field) => field !== 'headers');
  return [...new Set(fields.filter((field, index) => fields.indexOf(field) !== index))];
}
