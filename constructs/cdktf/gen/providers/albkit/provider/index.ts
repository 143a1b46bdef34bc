// https://registry.terraform.io/providers/albkit/albkit/latest/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface AlbkitProviderConfig {
  /**
  * The agent control API, such as `http://127.0.0.1:8400`. Default: `ALBKIT_ENDPOINT`, else the `endpoint` file of `state_dir`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs#endpoint AlbkitProvider#endpoint}
  */
  readonly endpoint?: string;
  /**
  * The control API bearer token. Default: `ALBKIT_TOKEN`, else the `token` file of `state_dir`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs#token AlbkitProvider#token}
  */
  readonly token?: string;
  /**
  * The agent's state directory, whose `endpoint` and `token` files are used when those are not set. Default: `ALBKIT_STATE_DIR`.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs#state_dir AlbkitProvider#state_dir}
  */
  readonly stateDir?: string;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs#alias AlbkitProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs albkit}
*/
export class AlbkitProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "albkit";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a AlbkitProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the AlbkitProvider to import
  * @param importFromId The id of the existing AlbkitProvider that should be imported. Refer to the {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the AlbkitProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "albkit", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs albkit} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options AlbkitProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: AlbkitProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'albkit',
      terraformGeneratorMetadata: {
        providerName: 'albkit',
        providerVersionConstraint: '~> 0.1'
      },
      terraformProviderSource: 'registry.terraform.io/albkit/albkit'
    });
    this._endpoint = config.endpoint;
    this._token = config.token;
    this._stateDir = config.stateDir;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // endpoint - computed: false, optional: true, required: false
  private _endpoint?: string; 
  public get endpoint() {
    return this._endpoint;
  }
  public set endpoint(value: string | undefined) {
    this._endpoint = value;
  }
  public resetEndpoint() {
    this._endpoint = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get endpointInput() {
    return this._endpoint;
  }

  // token - computed: false, optional: true, required: false
  private _token?: string; 
  public get token() {
    return this._token;
  }
  public set token(value: string | undefined) {
    this._token = value;
  }
  public resetToken() {
    this._token = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tokenInput() {
    return this._token;
  }

  // state_dir - computed: false, optional: true, required: false
  private _stateDir?: string; 
  public get stateDir() {
    return this._stateDir;
  }
  public set stateDir(value: string | undefined) {
    this._stateDir = value;
  }
  public resetStateDir() {
    this._stateDir = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get stateDirInput() {
    return this._stateDir;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public override get alias() {
    return this._alias;
  }
  public override set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      endpoint: cdktf.stringToTerraform(this._endpoint),
      token: cdktf.stringToTerraform(this._token),
      state_dir: cdktf.stringToTerraform(this._stateDir),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      endpoint: {
        value: cdktf.stringToHclTerraform(this._endpoint),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      token: {
        value: cdktf.stringToHclTerraform(this._token),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      state_dir: {
        value: cdktf.stringToHclTerraform(this._stateDir),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
