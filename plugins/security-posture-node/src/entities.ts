import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { splitAnnotationList } from './annotations';

/**
 * A catalog entity as providers see it in {@link ProviderEntities}: what they need
 * to resolve ownership themselves.
 * @public
 */
export interface ProviderEntity {
  /** The entity ref in lower case, as the backend keeps it: `component:default/payments-api`. */
  readonly ref: string;
  /** The kind as written in the catalog (`Component`). */
  readonly kind: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * The entities of a scan, given to providers through
 * {@link ResourceProviderContext.entities} so that they need not read the catalog
 * themselves.
 * @public
 */
export interface ProviderEntities {
  /** Number of entities. */
  readonly size: number;
  /** Every entity, in catalog order. */
  all(): Iterable<ProviderEntity>;
  /** One entity by ref (compared in lower case). */
  get(ref: string): ProviderEntity | undefined;
  /** The entities that carry an annotation, whatever its value. */
  withAnnotation(annotation: string): readonly ProviderEntity[];
  /**
   * The entities whose annotation lists `value`: the annotation is a
   * comma-separated list, and `*` in an item matches any characters
   * (`arn:aws:s3:::acme-exports-*`); an item made only of `*` claims nothing.
   * Values are compared case-sensitively.
   */
  claiming(annotation: string, value: string): readonly ProviderEntity[];
}

/** What the values of one annotation claim. */
interface ClaimIndex {
  exact: Map<string, ProviderEntity[]>;
  patterns: Array<{ pattern: string; entity: ProviderEntity }>;
}

const NONE: readonly ProviderEntity[] = Object.freeze([]);

/**
 * The default {@link ProviderEntities}: indexes are built on first use per
 * annotation, so a lookup costs a map access (plus one linear-time wildcard match
 * per wildcard item of that annotation).
 * @public
 */
export class ProviderEntityIndex implements ProviderEntities {
  private readonly entities: ProviderEntity[] = [];
  private readonly byRef = new Map<string, ProviderEntity>();
  private readonly annotated = new Map<string, ProviderEntity[]>();
  private readonly claims = new Map<string, ClaimIndex>();

  /** Builds the index from catalog entities (their refs are lower-cased). */
  static fromEntities(entities: Iterable<Entity>): ProviderEntityIndex {
    const out: ProviderEntity[] = [];
    for (const entity of entities) {
      out.push({
        ref: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
        kind: entity.kind,
        annotations: entity.metadata.annotations ?? {},
      });
    }
    return new ProviderEntityIndex(out);
  }

  constructor(entities: Iterable<ProviderEntity>) {
    for (const entity of entities) {
      const ref = entity.ref.toLocaleLowerCase('en-US');
      if (this.byRef.has(ref)) continue;
      this.byRef.set(ref, entity);
      this.entities.push(entity);
    }
  }

  get size(): number {
    return this.entities.length;
  }

  all(): Iterable<ProviderEntity> {
    return this.entities;
  }

  get(ref: string): ProviderEntity | undefined {
    return this.byRef.get(ref.toLocaleLowerCase('en-US'));
  }

  withAnnotation(annotation: string): readonly ProviderEntity[] {
    let list = this.annotated.get(annotation);
    if (!list) {
      list = this.entities.filter(e =>
        Object.prototype.hasOwnProperty.call(e.annotations, annotation),
      );
      this.annotated.set(annotation, list);
    }
    return list;
  }

  claiming(annotation: string, value: string): readonly ProviderEntity[] {
    const index = this.claimIndex(annotation);
    const exact = index.exact.get(value);
    if (index.patterns.length === 0) return exact ?? NONE;
    let out: ProviderEntity[] | undefined;
    for (const { pattern, entity } of index.patterns) {
      if (!globMatch(pattern, value)) continue;
      if (!out) out = exact ? [...exact] : [];
      if (!out.includes(entity)) out.push(entity);
    }
    return out ?? exact ?? NONE;
  }

  private claimIndex(annotation: string): ClaimIndex {
    let index = this.claims.get(annotation);
    if (index) return index;
    index = { exact: new Map(), patterns: [] };
    for (const entity of this.withAnnotation(annotation)) {
      for (const item of splitAnnotationList(entity.annotations[annotation])) {
        if (!item.includes('*')) {
          const list = index.exact.get(item);
          if (!list) index.exact.set(item, [entity]);
          else if (!list.includes(entity)) list.push(entity);
          continue;
        }
        if (/^\*+$/.test(item)) continue;
        index.patterns.push({ pattern: item, entity });
      }
    }
    this.claims.set(annotation, index);
    return index;
  }
}

/**
 * Whether `text` matches `pattern`, where `*` matches any characters. Greedy with
 * one backtracking point, so it takes at most O(pattern × text) steps whatever
 * the pattern (a regular expression of several `.*` can take exponential time).
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
