import type { NormalizeError } from '../../model/resource';
import { isObject, strings, type JsonObject } from '../util';
import {
  configModuleOf,
  formatKey,
  inModule,
  parentModule,
  parseResourceAddress,
  parseSegments,
  type Segment,
} from './address';

/** Deepest module nesting read; deeper modules are reported, not walked. */
export const MAX_MODULE_DEPTH = 64;

/** One resource instance of a plan or state. */
export interface TfInstance {
  /** Full address, e.g. `module.app.aws_s3_bucket.logs["a"]`. */
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  key?: string | number;
  /** Module instance address, `''` for the root module. */
  module: string;
  /** Module path without instance keys. */
  configModule: string;
  values: JsonObject;
  /** Terraform's `sensitive_values` / `after_sensitive` mask. */
  sensitive?: unknown;
  /** `after_unknown` of the resource change (plan only). */
  unknown?: JsonObject;
  providerName?: string;
}

interface ModuleCall {
  expressions: JsonObject;
  forEachRefs?: string[];
  childPath: string;
}

interface ConfigModule {
  path: string;
  resources: Map<string, JsonObject>;
  calls: Map<string, ModuleCall>;
  outputs: Map<string, JsonObject>;
  parent?: { path: string; callName: string };
}

/** Where a reference is evaluated. */
interface Scope {
  configModule: string;
  /** Module instance, or null when any instance of `configModule` may be meant. */
  moduleInstance: string | null;
  /** Index key of the referencing instance, to pair `count`/`for_each` siblings. */
  indexKey?: string | number;
  /** References of the referencing resource's `for_each` expression (for `each.value`). */
  forEachRefs?: string[];
}

interface Target {
  configModule: string;
  local: string;
  key?: string | number;
  moduleInstance: string | null;
  indexKey?: string | number;
}

const MAX_RESOLVE_DEPTH = 16;

function referencesOf(expression: unknown): string[] | undefined {
  if (!isObject(expression)) return undefined;
  const refs = expression.references;
  return Array.isArray(refs) ? strings(refs) : undefined;
}

/**
 * A `terraform show -json` document (plan or state) read into resource instances,
 * with the plan's `configuration` indexed to follow expression references across
 * modules, `count` and `for_each`.
 */
export class TerraformDocument {
  readonly kind: 'plan' | 'state';
  readonly instances: TfInstance[] = [];
  readonly errors: NormalizeError[] = [];
  private readonly byAddress = new Map<string, TfInstance>();
  private readonly byConfig = new Map<string, TfInstance[]>();
  private readonly config = new Map<string, ConfigModule>();
  private readonly moduleInstances = new Set<string>();
  private malformed = 0;

  constructor(doc: JsonObject) {
    const isPlan =
      'planned_values' in doc ||
      'resource_changes' in doc ||
      'configuration' in doc;
    this.kind = isPlan ? 'plan' : 'state';
    if (isPlan) {
      this.readModules(doc.planned_values, 'planned_values');
      this.readResourceChanges(doc.resource_changes);
      this.readConfiguration(doc.configuration);
    } else {
      this.readModules(doc.values, 'values');
    }
    if (this.malformed > 0) {
      this.errors.push({
        message: `${this.malformed} malformed resource entr${
          this.malformed === 1 ? 'y' : 'ies'
        } skipped`,
      });
    }
  }

  /** The instance at a full address. */
  get(address: string): TfInstance | undefined {
    return this.byAddress.get(address);
  }

  private add(inst: TfInstance) {
    if (this.byAddress.has(inst.address)) return;
    this.byAddress.set(inst.address, inst);
    this.instances.push(inst);
    this.moduleInstances.add(inst.module);
    const k = `${inst.configModule}|${inst.type}.${inst.name}`;
    let list = this.byConfig.get(k);
    if (!list) {
      list = [];
      this.byConfig.set(k, list);
    }
    list.push(inst);
  }

  private readModules(values: unknown, path: string) {
    if (values === undefined || values === null) return;
    if (!isObject(values)) {
      this.errors.push({ message: `${path} is not an object`, path });
      return;
    }
    const root = values.root_module;
    if (root === undefined) return;
    if (!isObject(root)) {
      this.errors.push({
        message: `${path}.root_module is not an object`,
        path: `${path}.root_module`,
      });
      return;
    }
    const stack: Array<{ mod: JsonObject; depth: number; path: string }> = [
      { mod: root, depth: 0, path: `${path}.root_module` },
    ];
    while (stack.length > 0) {
      const { mod, depth, path: modPath } = stack.pop()!;
      const moduleAddress = typeof mod.address === 'string' ? mod.address : '';
      if (typeof mod.address !== 'string' && depth > 0) {
        this.malformed++;
        continue;
      }
      const resources = mod.resources;
      if (Array.isArray(resources)) {
        for (const r of resources) this.readResource(r, moduleAddress);
      } else if (resources !== undefined) {
        this.malformed++;
      }
      const children = mod.child_modules;
      if (Array.isArray(children)) {
        if (depth + 1 > MAX_MODULE_DEPTH) {
          this.errors.push({
            message: `modules nested deeper than ${MAX_MODULE_DEPTH} levels were not read`,
            path: modPath,
          });
          continue;
        }
        children.forEach((child, i) => {
          if (isObject(child)) {
            stack.push({
              mod: child,
              depth: depth + 1,
              path: `${modPath}.child_modules[${i}]`,
            });
          } else {
            this.malformed++;
          }
        });
      } else if (children !== undefined) {
        this.malformed++;
      }
    }
  }

  private readResource(r: unknown, moduleAddress: string) {
    if (!isObject(r)) {
      this.malformed++;
      return;
    }
    const type = r.type;
    const name = r.name;
    if (typeof type !== 'string' || typeof name !== 'string' || type === '') {
      this.malformed++;
      return;
    }
    const mode = r.mode === 'data' ? 'data' : 'managed';
    const key =
      typeof r.index === 'number' || typeof r.index === 'string'
        ? r.index
        : undefined;
    let address = typeof r.address === 'string' ? r.address : undefined;
    if (!address) {
      const local = `${
        mode === 'data' ? 'data.' : ''
      }${type}.${name}${formatKey(key)}`;
      address = inModule(moduleAddress, local);
    }
    const parsed = parseResourceAddress(address);
    const module = parsed?.module ?? moduleAddress;
    const inst: TfInstance = {
      address,
      mode,
      type,
      name,
      module,
      configModule: parsed?.configModule ?? configModuleOf(module),
      values: isObject(r.values) ? r.values : {},
    };
    if (key !== undefined) inst.key = key;
    if (r.sensitive_values !== undefined) inst.sensitive = r.sensitive_values;
    if (typeof r.provider_name === 'string')
      inst.providerName = r.provider_name;
    this.add(inst);
  }

  private readResourceChanges(changes: unknown) {
    if (changes === undefined) return;
    if (!Array.isArray(changes)) {
      this.errors.push({
        message: 'resource_changes is not a list',
        path: 'resource_changes',
      });
      return;
    }
    for (const rc of changes) {
      if (!isObject(rc) || typeof rc.address !== 'string') {
        this.malformed++;
        continue;
      }
      const change = isObject(rc.change) ? rc.change : undefined;
      const actions = strings(change?.actions);
      const existing = this.byAddress.get(rc.address);
      if (existing) {
        if (isObject(change?.after_unknown)) {
          existing.unknown = change!.after_unknown as JsonObject;
        }
        if (existing.sensitive === undefined && change?.after_sensitive) {
          existing.sensitive = change.after_sensitive;
        }
        continue;
      }
      // Not in planned_values (older formats, or planned_values missing): take `after`.
      if (actions.length === 1 && actions[0] === 'delete') continue;
      if (!change || !isObject(change.after)) continue;
      const parsed = parseResourceAddress(rc.address);
      if (!parsed || typeof rc.type !== 'string') {
        this.malformed++;
        continue;
      }
      const inst: TfInstance = {
        address: rc.address,
        mode: parsed.mode,
        type: rc.type,
        name: parsed.name,
        module: parsed.module,
        configModule: parsed.configModule,
        values: change.after,
      };
      if (parsed.key !== undefined) inst.key = parsed.key;
      if (isObject(change.after_unknown)) inst.unknown = change.after_unknown;
      if (change.after_sensitive !== undefined) {
        inst.sensitive = change.after_sensitive;
      }
      if (typeof rc.provider_name === 'string') {
        inst.providerName = rc.provider_name;
      }
      this.add(inst);
    }
  }

  private readConfiguration(configuration: unknown) {
    if (!isObject(configuration)) return;
    const root = configuration.root_module;
    if (!isObject(root)) return;
    const stack: Array<{
      mod: JsonObject;
      path: string;
      depth: number;
      parent?: { path: string; callName: string };
    }> = [{ mod: root, path: '', depth: 0 }];
    while (stack.length > 0) {
      const { mod, path, depth, parent } = stack.pop()!;
      const cm: ConfigModule = {
        path,
        resources: new Map(),
        calls: new Map(),
        outputs: new Map(),
        parent,
      };
      this.config.set(path, cm);
      for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
        if (isObject(r) && typeof r.address === 'string') {
          cm.resources.set(r.address, r);
        }
      }
      if (isObject(mod.outputs)) {
        for (const [name, out] of Object.entries(mod.outputs)) {
          if (isObject(out) && isObject(out.expression)) {
            cm.outputs.set(name, out.expression);
          }
        }
      }
      if (isObject(mod.module_calls)) {
        for (const [name, call] of Object.entries(mod.module_calls)) {
          if (!isObject(call)) continue;
          const childPath = inModule(path, `module.${name}`);
          cm.calls.set(name, {
            expressions: isObject(call.expressions) ? call.expressions : {},
            forEachRefs: referencesOf(call.for_each_expression),
            childPath,
          });
          if (isObject(call.module) && depth + 1 <= MAX_MODULE_DEPTH) {
            stack.push({
              mod: call.module,
              path: childPath,
              depth: depth + 1,
              parent: { path, callName: name },
            });
          }
        }
      }
    }
  }

  /** True when the plan has a configuration to follow references in. */
  get hasConfiguration(): boolean {
    return this.config.size > 0;
  }

  /**
   * Whether the configuration sets `attribute` on the instance's resource: true or
   * false when the plan has its configuration, undefined otherwise (state). A value
   * unknown at plan time that is not configured is one the provider computes.
   */
  configured(inst: TfInstance, attribute: string): boolean | undefined {
    const cr = this.config
      .get(inst.configModule)
      ?.resources.get(`${inst.type}.${inst.name}`);
    if (!cr || !isObject(cr.expressions)) return undefined;
    return attribute in cr.expressions;
  }

  /** References of an attribute expression of an instance's configuration. */
  references(inst: TfInstance, attribute: string): string[] | undefined {
    const cr = this.config
      .get(inst.configModule)
      ?.resources.get(`${inst.type}.${inst.name}`);
    if (!cr || !isObject(cr.expressions)) return undefined;
    return referencesOf(cr.expressions[attribute]);
  }

  /**
   * Instances an attribute of `inst` refers to, following its configuration
   * expression through module inputs (`var.x`), module outputs (`module.m.out`),
   * `each.value` and indexes. Only instances of `types` are returned. Ambiguous
   * references (several instances and nothing to pair them by) resolve to nothing.
   */
  resolve(
    inst: TfInstance,
    attribute: string,
    types: ReadonlySet<string>,
  ): TfInstance[] {
    const refs = this.references(inst, attribute);
    if (!refs || refs.length === 0) return [];
    const cr = this.config
      .get(inst.configModule)
      ?.resources.get(`${inst.type}.${inst.name}`);
    const scope: Scope = {
      configModule: inst.configModule,
      moduleInstance: inst.module,
      indexKey: inst.key,
      forEachRefs: referencesOf(cr?.for_each_expression),
    };
    const targets = this.resolveRefs(refs, scope, 0);
    const out: TfInstance[] = [];
    const seen = new Set<string>();
    for (const t of targets) {
      const [type] = t.local.split('.', 1);
      if (!types.has(type)) continue;
      for (const found of this.instancesOf(t)) {
        if (!seen.has(found.address)) {
          seen.add(found.address);
          out.push(found);
        }
      }
    }
    return out;
  }

  private instancesOf(t: Target): TfInstance[] {
    let candidates = this.byConfig.get(`${t.configModule}|${t.local}`) ?? [];
    if (t.moduleInstance !== null) {
      const m = t.moduleInstance;
      candidates = candidates.filter(c => c.module === m);
    }
    if (t.key !== undefined) {
      candidates = candidates.filter(c => c.key === t.key);
    }
    if (candidates.length > 1 && t.indexKey !== undefined) {
      const paired = candidates.filter(c => c.key === t.indexKey);
      if (paired.length > 0) candidates = paired;
    }
    return candidates.length === 1 ? candidates : [];
  }

  private resolveRefs(refs: string[], scope: Scope, depth: number): Target[] {
    if (depth > MAX_RESOLVE_DEPTH) return [];
    const out: Target[] = [];
    for (const ref of refs) {
      const segs = parseSegments(ref);
      if (!segs || segs.length < 2) continue;
      const head = segs[0].name;
      if (head === 'var') {
        out.push(...this.resolveVar(segs[1].name, scope, depth));
      } else if (head === 'module') {
        if (segs.length < 3) continue;
        out.push(
          ...this.resolveOutput(
            segs[1].name,
            segs[1].key,
            segs[2].name,
            scope,
            depth,
          ),
        );
      } else if (head === 'each') {
        if (scope.forEachRefs) {
          out.push(...this.resolveEach(segs, scope, depth));
        }
      } else if (
        head === 'count' ||
        head === 'local' ||
        head === 'path' ||
        head === 'terraform' ||
        head === 'self' ||
        head === 'data'
      ) {
        continue;
      } else if (segs[0].key === undefined) {
        out.push({
          configModule: scope.configModule,
          local: `${head}.${segs[1].name}`,
          key: segs[1].key,
          moduleInstance: scope.moduleInstance,
          indexKey: scope.indexKey,
        });
      }
    }
    return out;
  }

  /**
   * `each.value…` of a resource whose `for_each` iterates over other resources
   * (`for_each = aws_s3_bucket.data`) or over the instances of a module call
   * (`for_each = module.tenant`, `each.value.bucket_id` naming an output): the
   * instance with the same key.
   */
  private resolveEach(segs: Segment[], scope: Scope, depth: number): Target[] {
    const inner: Scope = { ...scope, forEachRefs: undefined };
    const out: Target[] = [];
    for (const ref of scope.forEachRefs ?? []) {
      const f = parseSegments(ref);
      if (f && f.length === 2 && f[0].name === 'module') {
        if (segs[1]?.name === 'value' && segs.length >= 3) {
          out.push(
            ...this.resolveOutput(
              f[1].name,
              scope.indexKey,
              segs[2].name,
              inner,
              depth + 1,
            ),
          );
        }
      } else {
        out.push(...this.resolveRefs([ref], inner, depth + 1));
      }
    }
    return out;
  }

  private resolveVar(name: string, scope: Scope, depth: number): Target[] {
    const cm = this.config.get(scope.configModule);
    if (!cm?.parent) return [];
    const parentCm = this.config.get(cm.parent.path);
    const call = parentCm?.calls.get(cm.parent.callName);
    if (!call) return [];
    const refs = referencesOf(call.expressions[name]);
    if (!refs) return [];
    let parentInstance: string | null = null;
    let key: string | number | undefined;
    if (scope.moduleInstance !== null) {
      const p = parentModule(scope.moduleInstance);
      if (p) {
        parentInstance = p.parent;
        key = p.key;
      }
    }
    return this.resolveRefs(
      refs,
      {
        configModule: cm.parent.path,
        moduleInstance: parentInstance,
        indexKey: key ?? scope.indexKey,
        forEachRefs: call.forEachRefs,
      },
      depth + 1,
    );
  }

  private resolveOutput(
    callName: string,
    key: string | number | undefined,
    output: string,
    scope: Scope,
    depth: number,
  ): Target[] {
    const cm = this.config.get(scope.configModule);
    const call = cm?.calls.get(callName);
    if (!call) return [];
    const child = this.config.get(call.childPath);
    const refs = referencesOf(child?.outputs.get(output));
    if (!refs) return [];
    let childInstance: string | null = null;
    if (scope.moduleInstance !== null) {
      const candidate = inModule(
        scope.moduleInstance,
        `module.${callName}${formatKey(key)}`,
      );
      // Without a key, the call may have count/for_each: accept any instance.
      childInstance =
        key !== undefined || this.hasModuleInstance(candidate)
          ? candidate
          : null;
    }
    return this.resolveRefs(
      refs,
      {
        configModule: call.childPath,
        moduleInstance: childInstance,
        indexKey: scope.indexKey,
      },
      depth + 1,
    );
  }

  private hasModuleInstance(moduleInstance: string): boolean {
    return this.moduleInstances.has(moduleInstance);
  }
}
