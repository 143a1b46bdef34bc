// https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ListenerConfig extends cdktf.TerraformMetaArguments {
  /**
  * The albkit resource id, unique across the agent: letters, digits, ".", "_", "-" and "/" (a construct path such as `web/http`). Changing it replaces the resource.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#resource_id Listener#resource_id}
  */
  readonly resourceId: string;
  /**
  * Id of the load balancer. Changing it replaces the listener.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#load_balancer Listener#load_balancer}
  */
  readonly loadBalancer: string;
  /**
  * `HTTP`, `HTTPS`, `TCP` or `TLS`. Changing it replaces the listener.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#protocol Listener#protocol}
  */
  readonly protocol: string;
  /**
  * The port, unique per load balancer. Changing it replaces the listener.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#port Listener#port}
  */
  readonly port: number;
  /**
  * Id of the backend service traffic goes to.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#backend_service Listener#backend_service}
  */
  readonly backendService: string;
  /**
  * Required for HTTPS and TLS; not allowed otherwise. Default: none.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#certificate Listener#certificate}
  */
  readonly certificate?: ListenerCertificate;
  /**
  * Idle connection timeout, 1–86400 s. Default: 60 for HTTP/HTTPS, 1800 for TCP/TLS.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#idle_timeout_seconds Listener#idle_timeout_seconds}
  */
  readonly idleTimeoutSeconds?: number;
  /**
  * HTTP/HTTPS: how long a request body may take before its minimum rate applies, 1–3600 s. A body still arriving after it must by then have brought `request_body_min_bytes_per_second` bytes for every second past it (as Apache's mod_reqtimeout `MinRate`), or it is answered 408 and both connections close. Default: 20.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#request_body_grace_seconds Listener#request_body_grace_seconds}
  */
  readonly requestBodyGraceSeconds?: number;
  /**
  * HTTP/HTTPS: the slowest a request body may arrive once its grace window is over, 0–1 000 000 000 bytes per second; 0 turns the check off. Default: 500.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#request_body_min_bytes_per_second Listener#request_body_min_bytes_per_second}
  */
  readonly requestBodyMinBytesPerSecond?: number;
}
export interface ListenerCertificate {
  /**
  * The certificate chain, PEM.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#cert_pem Listener#cert_pem}
  */
  readonly certPem?: string;
  /**
  * The private key, PEM.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#key_pem Listener#key_pem}
  */
  readonly keyPem?: string;
  /**
  * Path of the certificate chain PEM file, read by the agent.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#cert_file Listener#cert_file}
  */
  readonly certFile?: string;
  /**
  * Path of the private key PEM file, read by the agent.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#key_file Listener#key_file}
  */
  readonly keyFile?: string;
}

export function listenerCertificateToTerraform(struct?: ListenerCertificate | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    cert_pem: cdktf.stringToTerraform(struct!.certPem),
    key_pem: cdktf.stringToTerraform(struct!.keyPem),
    cert_file: cdktf.stringToTerraform(struct!.certFile),
    key_file: cdktf.stringToTerraform(struct!.keyFile),
  }
}


export function listenerCertificateToHclTerraform(struct?: ListenerCertificate | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    cert_pem: {
      value: cdktf.stringToHclTerraform(struct!.certPem),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    key_pem: {
      value: cdktf.stringToHclTerraform(struct!.keyPem),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    cert_file: {
      value: cdktf.stringToHclTerraform(struct!.certFile),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    key_file: {
      value: cdktf.stringToHclTerraform(struct!.keyFile),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ListenerCertificateOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ListenerCertificate | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._certPem !== undefined) {
      hasAnyValues = true;
      internalValueResult.certPem = this._certPem;
    }
    if (this._keyPem !== undefined) {
      hasAnyValues = true;
      internalValueResult.keyPem = this._keyPem;
    }
    if (this._certFile !== undefined) {
      hasAnyValues = true;
      internalValueResult.certFile = this._certFile;
    }
    if (this._keyFile !== undefined) {
      hasAnyValues = true;
      internalValueResult.keyFile = this._keyFile;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ListenerCertificate | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._certPem = undefined;
      this._keyPem = undefined;
      this._certFile = undefined;
      this._keyFile = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._certPem = value.certPem;
      this._keyPem = value.keyPem;
      this._certFile = value.certFile;
      this._keyFile = value.keyFile;
    }
  }

  // cert_pem - computed: false, optional: true, required: false
  private _certPem?: string; 
  public get certPem() {
    return this.getStringAttribute('cert_pem');
  }
  public set certPem(value: string) {
    this._certPem = value;
  }
  public resetCertPem() {
    this._certPem = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get certPemInput() {
    return this._certPem;
  }

  // key_pem - computed: false, optional: true, required: false
  private _keyPem?: string; 
  public get keyPem() {
    return this.getStringAttribute('key_pem');
  }
  public set keyPem(value: string) {
    this._keyPem = value;
  }
  public resetKeyPem() {
    this._keyPem = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get keyPemInput() {
    return this._keyPem;
  }

  // cert_file - computed: false, optional: true, required: false
  private _certFile?: string; 
  public get certFile() {
    return this.getStringAttribute('cert_file');
  }
  public set certFile(value: string) {
    this._certFile = value;
  }
  public resetCertFile() {
    this._certFile = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get certFileInput() {
    return this._certFile;
  }

  // key_file - computed: false, optional: true, required: false
  private _keyFile?: string; 
  public get keyFile() {
    return this.getStringAttribute('key_file');
  }
  public set keyFile(value: string) {
    this._keyFile = value;
  }
  public resetKeyFile() {
    this._keyFile = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get keyFileInput() {
    return this._keyFile;
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener albkit_listener}
*/
export class Listener extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "albkit_listener";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Listener resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Listener to import
  * @param importFromId The id of the existing Listener that should be imported. Refer to the {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Listener to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "albkit_listener", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/listener albkit_listener} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ListenerConfig
  */
  public constructor(scope: Construct, id: string, config: ListenerConfig) {
    super(scope, id, {
      terraformResourceType: 'albkit_listener',
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
    this._backendService = config.backendService;
    this._certificate.internalValue = config.certificate;
    this._idleTimeoutSeconds = config.idleTimeoutSeconds;
    this._requestBodyGraceSeconds = config.requestBodyGraceSeconds;
    this._requestBodyMinBytesPerSecond = config.requestBodyMinBytesPerSecond;
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

  // port - computed: false, optional: false, required: true
  private _port?: number; 
  public get port() {
    return this.getNumberAttribute('port');
  }
  public set port(value: number) {
    this._port = value;
  }
  // Temporarily expose input value. Use with caution.
  public get portInput() {
    return this._port;
  }

  // backend_service - computed: false, optional: false, required: true
  private _backendService?: string; 
  public get backendService() {
    return this.getStringAttribute('backend_service');
  }
  public set backendService(value: string) {
    this._backendService = value;
  }
  // Temporarily expose input value. Use with caution.
  public get backendServiceInput() {
    return this._backendService;
  }

  // certificate - computed: false, optional: true, required: false
  private _certificate = new ListenerCertificateOutputReference(this, "certificate");
  public get certificate() {
    return this._certificate;
  }
  public putCertificate(value: ListenerCertificate) {
    this._certificate.internalValue = value;
  }
  public resetCertificate() {
    this._certificate.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get certificateInput() {
    return this._certificate.internalValue;
  }

  // idle_timeout_seconds - computed: true, optional: true, required: false
  private _idleTimeoutSeconds?: number; 
  public get idleTimeoutSeconds() {
    return this.getNumberAttribute('idle_timeout_seconds');
  }
  public set idleTimeoutSeconds(value: number) {
    this._idleTimeoutSeconds = value;
  }
  public resetIdleTimeoutSeconds() {
    this._idleTimeoutSeconds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get idleTimeoutSecondsInput() {
    return this._idleTimeoutSeconds;
  }

  // request_body_grace_seconds - computed: false, optional: true, required: false
  private _requestBodyGraceSeconds?: number; 
  public get requestBodyGraceSeconds() {
    return this.getNumberAttribute('request_body_grace_seconds');
  }
  public set requestBodyGraceSeconds(value: number) {
    this._requestBodyGraceSeconds = value;
  }
  public resetRequestBodyGraceSeconds() {
    this._requestBodyGraceSeconds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get requestBodyGraceSecondsInput() {
    return this._requestBodyGraceSeconds;
  }

  // request_body_min_bytes_per_second - computed: false, optional: true, required: false
  private _requestBodyMinBytesPerSecond?: number; 
  public get requestBodyMinBytesPerSecond() {
    return this.getNumberAttribute('request_body_min_bytes_per_second');
  }
  public set requestBodyMinBytesPerSecond(value: number) {
    this._requestBodyMinBytesPerSecond = value;
  }
  public resetRequestBodyMinBytesPerSecond() {
    this._requestBodyMinBytesPerSecond = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get requestBodyMinBytesPerSecondInput() {
    return this._requestBodyMinBytesPerSecond;
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
      backend_service: cdktf.stringToTerraform(this._backendService),
      certificate: listenerCertificateToTerraform(this._certificate.internalValue),
      idle_timeout_seconds: cdktf.numberToTerraform(this._idleTimeoutSeconds),
      request_body_grace_seconds: cdktf.numberToTerraform(this._requestBodyGraceSeconds),
      request_body_min_bytes_per_second: cdktf.numberToTerraform(this._requestBodyMinBytesPerSecond),
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
      backend_service: {
        value: cdktf.stringToHclTerraform(this._backendService),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      certificate: {
        value: listenerCertificateToHclTerraform(this._certificate.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "ListenerCertificate",
      },
      idle_timeout_seconds: {
        value: cdktf.numberToHclTerraform(this._idleTimeoutSeconds),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      request_body_grace_seconds: {
        value: cdktf.numberToHclTerraform(this._requestBodyGraceSeconds),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      request_body_min_bytes_per_second: {
        value: cdktf.numberToHclTerraform(this._requestBodyMinBytesPerSecond),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
