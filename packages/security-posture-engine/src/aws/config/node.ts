import {
  arr,
  bool,
  ciKey,
  isObject,
  joinPath,
  num,
  objectOrJson,
  str,
  strings,
  type JsonObject,
} from '../util';

/**
 * A cursor into an AWS Config item: case-insensitive field lookup (the same field is
 * `dBInstanceIdentifier` in one API and `DBInstanceIdentifier` in another), JSON
 * strings decoded on the way down, and the evidence path of every value read
 * (with the key spelling the item actually uses).
 */
export class ConfigNode {
  constructor(readonly value: JsonObject, readonly path: string) {}

  /** Path of the first of `names` present (else of the first name). */
  pathOf(...names: string[]): string {
    return joinPath(this.path, ciKey(this.value, ...names) ?? names[0]);
  }

  get(...names: string[]): unknown {
    const key = ciKey(this.value, ...names);
    return key === undefined ? undefined : this.value[key];
  }

  str(...names: string[]): string | undefined {
    return str(this.get(...names));
  }

  bool(...names: string[]): boolean | undefined {
    return bool(this.get(...names));
  }

  num(...names: string[]): number | undefined {
    return num(this.get(...names));
  }

  strings(...names: string[]): string[] {
    return strings(this.get(...names));
  }

  /** A nested object (also from a JSON string). */
  child(...names: string[]): ConfigNode | undefined {
    const key = ciKey(this.value, ...names);
    if (key === undefined) return undefined;
    const obj = objectOrJson(this.value[key]);
    return obj ? new ConfigNode(obj, joinPath(this.path, key)) : undefined;
  }

  /** Object items of a nested list; `{quantity, items: [...]}` wrappers (CloudFront) are unwrapped. */
  list(...names: string[]): ConfigNode[] {
    const key = ciKey(this.value, ...names);
    if (key === undefined) return [];
    let value = this.value[key];
    let path = joinPath(this.path, key);
    if (isObject(value)) {
      const itemsKey = ciKey(value, 'items');
      if (itemsKey === undefined) return [];
      value = value[itemsKey];
      path = joinPath(path, itemsKey);
    }
    const out: ConfigNode[] = [];
    arr(value).forEach((item, i) => {
      const obj = objectOrJson(item);
      if (obj) out.push(new ConfigNode(obj, joinPath(path, i)));
    });
    return out;
  }
}
