import { KNOWN_AFTER_APPLY } from '../types';
import { bool, isObject, num, str, strings, type JsonObject } from '../util';

/**
 * A level of a Terraform values object together with the matching level of the
 * plan's `after_unknown` mask, so a reader can tell "absent" from "known after
 * apply". `path` is the evidence path of this level inside the resource values.
 */
export class TfValues {
  constructor(
    readonly values: JsonObject,
    readonly unknownMask: JsonObject | undefined,
    readonly path: string,
  ) {}

  /** True when Terraform only knows `key` after apply. */
  isUnknown(key: string): boolean {
    const u = this.unknownMask?.[key];
    return u === true;
  }

  /** True when `key` holds a value (or will, after apply). */
  has(key: string): boolean {
    const v = this.values[key];
    return (v !== undefined && v !== null) || this.isUnknown(key);
  }

  raw(key: string): unknown {
    return this.values[key];
  }

  /** A non-empty string, or {@link KNOWN_AFTER_APPLY}. */
  str(key: string): string | undefined {
    const v = str(this.values[key]);
    if (v !== undefined) return v;
    return this.isUnknown(key) ? KNOWN_AFTER_APPLY : undefined;
  }

  bool(key: string): boolean | undefined {
    return bool(this.values[key]);
  }

  num(key: string): number | undefined {
    return num(this.values[key]);
  }

  strings(key: string): string[] {
    return strings(this.values[key]);
  }

  /** Object value of `key` (a map attribute such as `tags` or `variables`). */
  map(key: string): JsonObject | undefined {
    const v = this.values[key];
    return isObject(v) ? v : undefined;
  }

  /** Item `index` of a nested block list (`versioning[0]`), or a nested object. */
  block(key: string, index = 0): TfValues | undefined {
    const v = this.values[key];
    const u = this.unknownMask?.[key];
    if (Array.isArray(v)) {
      const item = v[index];
      if (!isObject(item)) return undefined;
      const um = Array.isArray(u) && isObject(u[index]) ? u[index] : undefined;
      return new TfValues(item, um, `${this.join(key)}[${index}]`);
    }
    if (isObject(v)) {
      return new TfValues(v, isObject(u) ? u : undefined, this.join(key));
    }
    return undefined;
  }

  /** Every item of a nested block list. */
  blocks(key: string): TfValues[] {
    const v = this.values[key];
    if (!Array.isArray(v)) return [];
    const out: TfValues[] = [];
    for (let i = 0; i < v.length; i++) {
      const b = this.block(key, i);
      if (b) out.push(b);
    }
    return out;
  }

  /** Evidence path of `key` at this level. */
  join(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }
}
