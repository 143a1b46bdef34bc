// https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface AvailabilityGroupConfig extends cdktf.TerraformMetaArguments {
  /**
  * The albkit resource id, unique across the agent: letters, digits, ".", "_", "-" and "/" (a construct path such as `web/http`). Changing it replaces the resource.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group#resource_id AvailabilityGroup#resource_id}
  */
  readonly resourceId: string;
  /**
  * The instances. Their count must lie within `min_size`–`max_size`. Default: [].
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group#instances AvailabilityGroup#instances}
  */
  readonly instances?: AvailabilityGroupInstances[] | cdktf.IResolvable;
  /**
  * The weight every instance gets, 0 (no new traffic) to 100. Default: 10.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group#weight AvailabilityGroup#weight}
  */
  readonly weight?: number;
  /**
  * The fewest instances the group may have. Default: 0.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group#min_size AvailabilityGroup#min_size}
  */
  readonly minSize?: number;
  /**
  * The most instances the group may have. Default: 10.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group#max_size AvailabilityGroup#max_size}
  */
  readonly maxSize?: number;
}
export interface AvailabilityGroupInstances {
  /**
  * The instance's address; it serves on the backend service's port.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group#address AvailabilityGroup#address}
  */
  readonly address: string;
  /**
  * The zone the instance runs in.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group#zone AvailabilityGroup#zone}
  */
  readonly zone: string;
}

export function availabilityGroupInstancesToTerraform(struct?: AvailabilityGroupInstances | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    address: cdktf.stringToTerraform(struct!.address),
    zone: cdktf.stringToTerraform(struct!.zone),
  }
}


export function availabilityGroupInstancesToHclTerraform(struct?: AvailabilityGroupInstances | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    address: {
      value: cdktf.stringToHclTerraform(struct!.address),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    zone: {
      value: cdktf.stringToHclTerraform(struct!.zone),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class AvailabilityGroupInstancesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): AvailabilityGroupInstances | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._address !== undefined) {
      hasAnyValues = true;
      internalValueResult.address = this._address;
    }
    if (this._zone !== undefined) {
      hasAnyValues = true;
      internalValueResult.zone = this._zone;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: AvailabilityGroupInstances | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._address = undefined;
      this._zone = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._address = value.address;
      this._zone = value.zone;
    }
  }

  // address - computed: true, optional: false, required: true
  private _address?: string; 
  public get address() {
    return this.getStringAttribute('address');
  }
  public set address(value: string) {
    this._address = value;
  }
  // Temporarily expose input value. Use with caution.
  public get addressInput() {
    return this._address;
  }

  // zone - computed: true, optional: false, required: true
  private _zone?: string; 
  public get zone() {
    return this.getStringAttribute('zone');
  }
  public set zone(value: string) {
    this._zone = value;
  }
  // Temporarily expose input value. Use with caution.
  public get zoneInput() {
    return this._zone;
  }
}

export class AvailabilityGroupInstancesList extends cdktf.ComplexList {
  public internalValue? : AvailabilityGroupInstances[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected override terraformResource: cdktf.IInterpolatingParent, protected override terraformAttribute: string, protected override wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): AvailabilityGroupInstancesOutputReference {
    return new AvailabilityGroupInstancesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group albkit_availability_group}
*/
export class AvailabilityGroup extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "albkit_availability_group";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a AvailabilityGroup resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the AvailabilityGroup to import
  * @param importFromId The id of the existing AvailabilityGroup that should be imported. Refer to the {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the AvailabilityGroup to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "albkit_availability_group", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/albkit/albkit/latest/docs/resources/availability_group albkit_availability_group} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options AvailabilityGroupConfig
  */
  public constructor(scope: Construct, id: string, config: AvailabilityGroupConfig) {
    super(scope, id, {
      terraformResourceType: 'albkit_availability_group',
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
    this._instances.internalValue = config.instances;
    this._weight = config.weight;
    this._minSize = config.minSize;
    this._maxSize = config.maxSize;
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

  // instances - computed: true, optional: true, required: false
  private _instances = new AvailabilityGroupInstancesList(this, "instances", false);
  public get instances() {
    return this._instances;
  }
  public putInstances(value: AvailabilityGroupInstances[] | cdktf.IResolvable) {
    this._instances.internalValue = value;
  }
  public resetInstances() {
    this._instances.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get instancesInput() {
    return this._instances.internalValue;
  }

  // weight - computed: true, optional: true, required: false
  private _weight?: number; 
  public get weight() {
    return this.getNumberAttribute('weight');
  }
  public set weight(value: number) {
    this._weight = value;
  }
  public resetWeight() {
    this._weight = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get weightInput() {
    return this._weight;
  }

  // min_size - computed: true, optional: true, required: false
  private _minSize?: number; 
  public get minSize() {
    return this.getNumberAttribute('min_size');
  }
  public set minSize(value: number) {
    this._minSize = value;
  }
  public resetMinSize() {
    this._minSize = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get minSizeInput() {
    return this._minSize;
  }

  // max_size - computed: true, optional: true, required: false
  private _maxSize?: number; 
  public get maxSize() {
    return this.getNumberAttribute('max_size');
  }
  public set maxSize(value: number) {
    this._maxSize = value;
  }
  public resetMaxSize() {
    this._maxSize = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maxSizeInput() {
    return this._maxSize;
  }

  // =========
  // SYNTHESIS
  // =========

  protected override synthesizeAttributes(): { [name: string]: any } {
    return {
      resource_id: cdktf.stringToTerraform(this._resourceId),
      instances: cdktf.listMapper(availabilityGroupInstancesToTerraform, false)(this._instances.internalValue),
      weight: cdktf.numberToTerraform(this._weight),
      min_size: cdktf.numberToTerraform(this._minSize),
      max_size: cdktf.numberToTerraform(this._maxSize),
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
      instances: {
        value: cdktf.listMapperHcl(availabilityGroupInstancesToHclTerraform, false)(this._instances.internalValue),
        isBlock: true,
        type: "list",
        storageClassType: "AvailabilityGroupInstancesList",
      },
      weight: {
        value: cdktf.numberToHclTerraform(this._weight),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      min_size: {
        value: cdktf.numberToHclTerraform(this._minSize),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      max_size: {
        value: cdktf.numberToHclTerraform(this._maxSize),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
