// https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface BackendServiceConfig extends cdktf.TerraformMetaArguments {
  /**
  * The albkit resource id, unique across the agent: letters, digits, ".", "_", "-" and "/" (a construct path such as `web/http`). Changing it replaces the resource.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#resource_id BackendService#resource_id}
  */
  readonly resourceId: string;
  /**
  * Id of the load balancer. Changing it replaces the backend service.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#load_balancer BackendService#load_balancer}
  */
  readonly loadBalancer: string;
  /**
  * `HTTP` for HTTP/HTTPS listeners, `TCP` for TCP/TLS listeners. Changing it replaces the backend service.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#protocol BackendService#protocol}
  */
  readonly protocol: string;
  /**
  * The port availability group instances serve on; required with availability groups. Server group servers carry their own ports, so a backend service of server groups needs none. Default: none.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#port BackendService#port}
  */
  readonly port?: number;
  /**
  * How servers are picked. Default: 'WEIGHTED_ROUND_ROBIN'. One of `WEIGHTED_ROUND_ROBIN`, `WEIGHTED_LEAST_CONNECTIONS`, `SOURCE_IP`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#algorithm BackendService#algorithm}
  */
  readonly algorithm?: string;
  /**
  * Ids of virtual server groups (not together with `availability_groups`). Default: [].
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#server_groups BackendService#server_groups}
  */
  readonly serverGroups?: string[];
  /**
  * Ids of availability groups (not together with `server_groups`). Default: [].
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#availability_groups BackendService#availability_groups}
  */
  readonly availabilityGroups?: string[];
  /**
  * Cookie-insertion session persistence; HTTP only. Default: disabled for HTTP; none for TCP.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#session_persistence BackendService#session_persistence}
  */
  readonly sessionPersistence?: BackendServiceSessionPersistence;
  /**
  * X-Forwarded-For (with X-Forwarded-Proto and -Port) is always added on HTTP and cannot be turned off. Accepted only as `true`, for configurations that state it. Default: true.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#x_forwarded_for BackendService#x_forwarded_for}
  */
  readonly xForwardedFor?: boolean | cdktf.IResolvable;
  /**
  * Send a PROXY protocol v1 header to each server; TCP only. Default: false.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#proxy_protocol BackendService#proxy_protocol}
  */
  readonly proxyProtocol?: boolean | cdktf.IResolvable;
  /**
  * The health check. Default: enabled, with the defaults of each field.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#health_check BackendService#health_check}
  */
  readonly healthCheck?: BackendServiceHealthCheck;
}
export interface BackendServiceSessionPersistence {
  /**
  * Pin each client to one server with an inserted cookie. Default: false.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#enabled BackendService#enabled}
  */
  readonly enabled?: boolean | cdktf.IResolvable;
  /**
  * The cookie's name. Default: 'ALBKIT_SERVER'.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#cookie_name BackendService#cookie_name}
  */
  readonly cookieName?: string;
  /**
  * Cookie lifetime in seconds; 0 means a browser-session cookie. 0–86400. Default: 0.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#ttl_seconds BackendService#ttl_seconds}
  */
  readonly ttlSeconds?: number;
}

export function backendServiceSessionPersistenceToTerraform(struct?: BackendServiceSessionPersistence | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    enabled: cdktf.booleanToTerraform(struct!.enabled),
    cookie_name: cdktf.stringToTerraform(struct!.cookieName),
    ttl_seconds: cdktf.numberToTerraform(struct!.ttlSeconds),
  }
}


export function backendServiceSessionPersistenceToHclTerraform(struct?: BackendServiceSessionPersistence | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    enabled: {
      value: cdktf.booleanToHclTerraform(struct!.enabled),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    cookie_name: {
      value: cdktf.stringToHclTerraform(struct!.cookieName),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    ttl_seconds: {
      value: cdktf.numberToHclTerraform(struct!.ttlSeconds),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class BackendServiceSessionPersistenceOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): BackendServiceSessionPersistence | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._enabled !== undefined) {
      hasAnyValues = true;
      internalValueResult.enabled = this._enabled;
    }
    if (this._cookieName !== undefined) {
      hasAnyValues = true;
      internalValueResult.cookieName = this._cookieName;
    }
    if (this._ttlSeconds !== undefined) {
      hasAnyValues = true;
      internalValueResult.ttlSeconds = this._ttlSeconds;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: BackendServiceSessionPersistence | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._enabled = undefined;
      this._cookieName = undefined;
      this._ttlSeconds = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._enabled = value.enabled;
      this._cookieName = value.cookieName;
      this._ttlSeconds = value.ttlSeconds;
    }
  }

  // enabled - computed: true, optional: true, required: false
  private _enabled?: boolean | cdktf.IResolvable; 
  public get enabled() {
    return this.getBooleanAttribute('enabled');
  }
  public set enabled(value: boolean | cdktf.IResolvable) {
    this._enabled = value;
  }
  public resetEnabled() {
    this._enabled = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get enabledInput() {
    return this._enabled;
  }

  // cookie_name - computed: true, optional: true, required: false
  private _cookieName?: string; 
  public get cookieName() {
    return this.getStringAttribute('cookie_name');
  }
  public set cookieName(value: string) {
    this._cookieName = value;
  }
  public resetCookieName() {
    this._cookieName = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get cookieNameInput() {
    return this._cookieName;
  }

  // ttl_seconds - computed: true, optional: true, required: false
  private _ttlSeconds?: number; 
  public get ttlSeconds() {
    return this.getNumberAttribute('ttl_seconds');
  }
  public set ttlSeconds(value: number) {
    this._ttlSeconds = value;
  }
  public resetTtlSeconds() {
    this._ttlSeconds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ttlSecondsInput() {
    return this._ttlSeconds;
  }
}
export interface BackendServiceHealthCheck {
  /**
  * Whether servers are checked; unchecked servers count as healthy. Default: true.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#enabled BackendService#enabled}
  */
  readonly enabled?: boolean | cdktf.IResolvable;
  /**
  * `HTTP` (a HEAD request) or `TCP` (a connect). Default: the backend service's protocol.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#protocol BackendService#protocol}
  */
  readonly protocol?: string;
  /**
  * The URL path an HTTP check requests with HEAD. Default: '/' for an HTTP check; none for a TCP check.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#path BackendService#path}
  */
  readonly path?: string;
  /**
  * The port checked. Default: the server's traffic port.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#port BackendService#port}
  */
  readonly port?: number;
  /**
  * How long one check may take, 100–60000 ms; less than `interval_ms` unless both keep their defaults. Default: 5000.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#timeout_ms BackendService#timeout_ms}
  */
  readonly timeoutMs?: number;
  /**
  * Pause between the end of one check of a server and the start of the next, 100–300000 ms. Default: 3000.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#interval_ms BackendService#interval_ms}
  */
  readonly intervalMs?: number;
  /**
  * Consecutive successes that bring a server back, 1–10. Default: 3.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#healthy_threshold BackendService#healthy_threshold}
  */
  readonly healthyThreshold?: number;
  /**
  * Consecutive failures that take a server out, 1–10. Default: 3.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#unhealthy_threshold BackendService#unhealthy_threshold}
  */
  readonly unhealthyThreshold?: number;
  /**
  * Status codes an HTTP check counts as healthy. Default: ['2xx', '3xx'] for an HTTP check; none for a TCP check.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#status_codes BackendService#status_codes}
  */
  readonly statusCodes?: string[];
}

export function backendServiceHealthCheckToTerraform(struct?: BackendServiceHealthCheck | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    enabled: cdktf.booleanToTerraform(struct!.enabled),
    protocol: cdktf.stringToTerraform(struct!.protocol),
    path: cdktf.stringToTerraform(struct!.path),
    port: cdktf.numberToTerraform(struct!.port),
    timeout_ms: cdktf.numberToTerraform(struct!.timeoutMs),
    interval_ms: cdktf.numberToTerraform(struct!.intervalMs),
    healthy_threshold: cdktf.numberToTerraform(struct!.healthyThreshold),
    unhealthy_threshold: cdktf.numberToTerraform(struct!.unhealthyThreshold),
    status_codes: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.statusCodes),
  }
}


export function backendServiceHealthCheckToHclTerraform(struct?: BackendServiceHealthCheck | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    enabled: {
      value: cdktf.booleanToHclTerraform(struct!.enabled),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
    protocol: {
      value: cdktf.stringToHclTerraform(struct!.protocol),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    path: {
      value: cdktf.stringToHclTerraform(struct!.path),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    port: {
      value: cdktf.numberToHclTerraform(struct!.port),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    timeout_ms: {
      value: cdktf.numberToHclTerraform(struct!.timeoutMs),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    interval_ms: {
      value: cdktf.numberToHclTerraform(struct!.intervalMs),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    healthy_threshold: {
      value: cdktf.numberToHclTerraform(struct!.healthyThreshold),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    unhealthy_threshold: {
      value: cdktf.numberToHclTerraform(struct!.unhealthyThreshold),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    status_codes: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.statusCodes),
      isBlock: false,
      type: "list",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class BackendServiceHealthCheckOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): BackendServiceHealthCheck | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._enabled !== undefined) {
      hasAnyValues = true;
      internalValueResult.enabled = this._enabled;
    }
    if (this._protocol !== undefined) {
      hasAnyValues = true;
      internalValueResult.protocol = this._protocol;
    }
    if (this._path !== undefined) {
      hasAnyValues = true;
      internalValueResult.path = this._path;
    }
    if (this._port !== undefined) {
      hasAnyValues = true;
      internalValueResult.port = this._port;
    }
    if (this._timeoutMs !== undefined) {
      hasAnyValues = true;
      internalValueResult.timeoutMs = this._timeoutMs;
    }
    if (this._intervalMs !== undefined) {
      hasAnyValues = true;
      internalValueResult.intervalMs = this._intervalMs;
    }
    if (this._healthyThreshold !== undefined) {
      hasAnyValues = true;
      internalValueResult.healthyThreshold = this._healthyThreshold;
    }
    if (this._unhealthyThreshold !== undefined) {
      hasAnyValues = true;
      internalValueResult.unhealthyThreshold = this._unhealthyThreshold;
    }
    if (this._statusCodes !== undefined) {
      hasAnyValues = true;
      internalValueResult.statusCodes = this._statusCodes;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: BackendServiceHealthCheck | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._enabled = undefined;
      this._protocol = undefined;
      this._path = undefined;
      this._port = undefined;
      this._timeoutMs = undefined;
      this._intervalMs = undefined;
      this._healthyThreshold = undefined;
      this._unhealthyThreshold = undefined;
      this._statusCodes = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._enabled = value.enabled;
      this._protocol = value.protocol;
      this._path = value.path;
      this._port = value.port;
      this._timeoutMs = value.timeoutMs;
      this._intervalMs = value.intervalMs;
      this._healthyThreshold = value.healthyThreshold;
      this._unhealthyThreshold = value.unhealthyThreshold;
      this._statusCodes = value.statusCodes;
    }
  }

  // enabled - computed: true, optional: true, required: false
  private _enabled?: boolean | cdktf.IResolvable; 
  public get enabled() {
    return this.getBooleanAttribute('enabled');
  }
  public set enabled(value: boolean | cdktf.IResolvable) {
    this._enabled = value;
  }
  public resetEnabled() {
    this._enabled = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get enabledInput() {
    return this._enabled;
  }

  // protocol - computed: true, optional: true, required: false
  private _protocol?: string; 
  public get protocol() {
    return this.getStringAttribute('protocol');
  }
  public set protocol(value: string) {
    this._protocol = value;
  }
  public resetProtocol() {
    this._protocol = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get protocolInput() {
    return this._protocol;
  }

  // path - computed: true, optional: true, required: false
  private _path?: string; 
  public get path() {
    return this.getStringAttribute('path');
  }
  public set path(value: string) {
    this._path = value;
  }
  public resetPath() {
    this._path = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get pathInput() {
    return this._path;
  }

  // port - computed: true, optional: true, required: false
  private _port?: number; 
  public get port() {
    return this.getNumberAttribute('port');
  }
  public set port(value: number) {
    this._port = value;
  }
  public resetPort() {
    this._port = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get portInput() {
    return this._port;
  }

  // timeout_ms - computed: true, optional: true, required: false
  private _timeoutMs?: number; 
  public get timeoutMs() {
    return this.getNumberAttribute('timeout_ms');
  }
  public set timeoutMs(value: number) {
    this._timeoutMs = value;
  }
  public resetTimeoutMs() {
    this._timeoutMs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get timeoutMsInput() {
    return this._timeoutMs;
  }

  // interval_ms - computed: true, optional: true, required: false
  private _intervalMs?: number; 
  public get intervalMs() {
    return this.getNumberAttribute('interval_ms');
  }
  public set intervalMs(value: number) {
    this._intervalMs = value;
  }
  public resetIntervalMs() {
    this._intervalMs = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get intervalMsInput() {
    return this._intervalMs;
  }

  // healthy_threshold - computed: true, optional: true, required: false
  private _healthyThreshold?: number; 
  public get healthyThreshold() {
    return this.getNumberAttribute('healthy_threshold');
  }
  public set healthyThreshold(value: number) {
    this._healthyThreshold = value;
  }
  public resetHealthyThreshold() {
    this._healthyThreshold = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get healthyThresholdInput() {
    return this._healthyThreshold;
  }

  // unhealthy_threshold - computed: true, optional: true, required: false
  private _unhealthyThreshold?: number; 
  public get unhealthyThreshold() {
    return this.getNumberAttribute('unhealthy_threshold');
  }
  public set unhealthyThreshold(value: number) {
    this._unhealthyThreshold = value;
  }
  public resetUnhealthyThreshold() {
    this._unhealthyThreshold = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get unhealthyThresholdInput() {
    return this._unhealthyThreshold;
  }

  // status_codes - computed: true, optional: true, required: false
  private _statusCodes?: string[]; 
  public get statusCodes() {
    return this.getListAttribute('status_codes');
  }
  public set statusCodes(value: string[]) {
    this._statusCodes = value;
  }
  public resetStatusCodes() {
    this._statusCodes = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get statusCodesInput() {
    return this._statusCodes;
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service albkit_backend_service}
*/
export class BackendService extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "albkit_backend_service";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a BackendService resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the BackendService to import
  * @param importFromId The id of the existing BackendService that should be imported. Refer to the {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the BackendService to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "albkit_backend_service", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/backend_service albkit_backend_service} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options BackendServiceConfig
  */
  public constructor(scope: Construct, id: string, config: BackendServiceConfig) {
    super(scope, id, {
      terraformResourceType: 'albkit_backend_service',
      terraformGeneratorMetadata: {
        providerName: 'albkit',
        providerVersionConstraint: '~> 0.1'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._resourceId = config.resourceId;
    this._loadBalancer = config.loadBalancer;
    this._protocol = config.protocol;
    this._port = config.port;
    this._algorithm = config.algorithm;
    this._serverGroups = config.serverGroups;
    this._availabilityGroups = config.availabilityGroups;
    this._sessionPersistence.internalValue = config.sessionPersistence;
    this._xForwardedFor = config.xForwardedFor;
    this._proxyProtocol = config.proxyProtocol;
    this._healthCheck.internalValue = config.healthCheck;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // resource_id - computed: false, optional: false, required: true
  private _resourceId?: string; 
  public get resourceId() {
    return this.getStringAttribute('resource_id');
  }
  public set resourceId(value: string) {
    this._resourceId = value;
  }
  // Temporarily expose input value. Use with caution.
  public get resourceIdInput() {
    return this._resourceId;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // load_balancer - computed: false, optional: false, required: true
  private _loadBalancer?: string; 
  public get loadBalancer() {
    return this.getStringAttribute('load_balancer');
  }
  public set loadBalancer(value: string) {
    this._loadBalancer = value;
  }
  // Temporarily expose input value. Use with caution.
  public get loadBalancerInput() {
    return this._loadBalancer;
  }

  // protocol - computed: false, optional: false, required: true
  private _protocol?: string; 
  public get protocol() {
    return this.getStringAttribute('protocol');
  }
  public set protocol(value: string) {
    this._protocol = value;
  }
  // Temporarily expose input value. Use with caution.
  public get protocolInput() {
    return this._protocol;
  }

  // port - computed: false, optional: true, required: false
  private _port?: number; 
  public get port() {
    return this.getNumberAttribute('port');
  }
  public set port(value: number) {
    this._port = value;
  }
  public resetPort() {
    this._port = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get portInput() {
    return this._port;
  }

  // algorithm - computed: true, optional: true, required: false
  private _algorithm?: string; 
  public get algorithm() {
    return this.getStringAttribute('algorithm');
  }
  public set algorithm(value: string) {
    this._algorithm = value;
  }
  public resetAlgorithm() {
    this._algorithm = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get algorithmInput() {
    return this._algorithm;
  }

  // server_groups - computed: true, optional: true, required: false
  private _serverGroups?: string[]; 
  public get serverGroups() {
    return this.getListAttribute('server_groups');
  }
  public set serverGroups(value: string[]) {
    this._serverGroups = value;
  }
  public resetServerGroups() {
    this._serverGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serverGroupsInput() {
    return this._serverGroups;
  }

  // availability_groups - computed: true, optional: true, required: false
  private _availabilityGroups?: string[]; 
  public get availabilityGroups() {
    return this.getListAttribute('availability_groups');
  }
  public set availabilityGroups(value: string[]) {
    this._availabilityGroups = value;
  }
  public resetAvailabilityGroups() {
    this._availabilityGroups = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get availabilityGroupsInput() {
    return this._availabilityGroups;
  }

  // session_persistence - computed: true, optional: true, required: false
  private _sessionPersistence = new BackendServiceSessionPersistenceOutputReference(this, "session_persistence");
  public get sessionPersistence() {
    return this._sessionPersistence;
  }
  public putSessionPersistence(value: BackendServiceSessionPersistence) {
    this._sessionPersistence.internalValue = value;
  }
  public resetSessionPersistence() {
    this._sessionPersistence.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get sessionPersistenceInput() {
    return this._sessionPersistence.internalValue;
  }

  // x_forwarded_for - computed: false, optional: true, required: false
  private _xForwardedFor?: boolean | cdktf.IResolvable; 
  public get xForwardedFor() {
    return this.getBooleanAttribute('x_forwarded_for');
  }
  public set xForwardedFor(value: boolean | cdktf.IResolvable) {
    this._xForwardedFor = value;
  }
  public resetXForwardedFor() {
    this._xForwardedFor = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get xForwardedForInput() {
    return this._xForwardedFor;
  }

  // proxy_protocol - computed: true, optional: true, required: false
  private _proxyProtocol?: boolean | cdktf.IResolvable; 
  public get proxyProtocol() {
    return this.getBooleanAttribute('proxy_protocol');
  }
  public set proxyProtocol(value: boolean | cdktf.IResolvable) {
    this._proxyProtocol = value;
  }
  public resetProxyProtocol() {
    this._proxyProtocol = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get proxyProtocolInput() {
    return this._proxyProtocol;
  }

  // health_check - computed: true, optional: true, required: false
  private _healthCheck = new BackendServiceHealthCheckOutputReference(this, "health_check");
  public get healthCheck() {
    return this._healthCheck;
  }
  public putHealthCheck(value: BackendServiceHealthCheck) {
    this._healthCheck.internalValue = value;
  }
  public resetHealthCheck() {
    this._healthCheck.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get healthCheckInput() {
    return this._healthCheck.internalValue;
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      resource_id: cdktf.stringToTerraform(this._resourceId),
      load_balancer: cdktf.stringToTerraform(this._loadBalancer),
      protocol: cdktf.stringToTerraform(this._protocol),
      port: cdktf.numberToTerraform(this._port),
      algorithm: cdktf.stringToTerraform(this._algorithm),
      server_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(this._serverGroups),
      availability_groups: cdktf.listMapper(cdktf.stringToTerraform, false)(this._availabilityGroups),
      session_persistence: backendServiceSessionPersistenceToTerraform(this._sessionPersistence.internalValue),
      x_forwarded_for: cdktf.booleanToTerraform(this._xForwardedFor),
      proxy_protocol: cdktf.booleanToTerraform(this._proxyProtocol),
      health_check: backendServiceHealthCheckToTerraform(this._healthCheck.internalValue),
    };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      resource_id: {
        value: cdktf.stringToHclTerraform(this._resourceId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      load_balancer: {
        value: cdktf.stringToHclTerraform(this._loadBalancer),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      protocol: {
        value: cdktf.stringToHclTerraform(this._protocol),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      port: {
        value: cdktf.numberToHclTerraform(this._port),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      algorithm: {
        value: cdktf.stringToHclTerraform(this._algorithm),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      server_groups: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._serverGroups),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      availability_groups: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._availabilityGroups),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      session_persistence: {
        value: backendServiceSessionPersistenceToHclTerraform(this._sessionPersistence.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "BackendServiceSessionPersistence",
      },
      x_forwarded_for: {
        value: cdktf.booleanToHclTerraform(this._xForwardedFor),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      proxy_protocol: {
        value: cdktf.booleanToHclTerraform(this._proxyProtocol),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      health_check: {
        value: backendServiceHealthCheckToHclTerraform(this._healthCheck.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "BackendServiceHealthCheck",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
