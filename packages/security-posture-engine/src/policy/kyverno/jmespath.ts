/**
 * JMESPath as Kyverno evaluates it: the parser and standard functions of
 * `@jmespath-community/jmespath`, evaluated by a tree walker with the semantics of
 * Kyverno's `go-jmespath` fork, where selecting a key that a map does not have is
 * an error ("Unknown key") unless a projection, `||`, a function argument or a
 * multi-select absorbs it. Kyverno's own functions (`to_upper`, `regex_match`,
 * `label_match`, arithmetic on quantities…) are provided by `functions.ts`.
 */
import { compile, TreeInterpreter } from '@jmespath-community/jmespath';
import { KYVERNO_FUNCTIONS, FunctionSpec, JpType } from './functions';
import { deepEqual, isObject } from './values';

/** The AST node type of the community parser. */
type Node = ReturnType<typeof compile>;
type AnyNode = Node & Record<string, any>;

/** A field was selected on a map that does not have it (Kyverno's `NotFoundError`). */
export class JmespathNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`Unknown key "${key}" in path`);
    this.name = 'JmespathNotFoundError';
  }
}

/** Internal, allocation-cheap marker for a missing key (no stack trace). */
class MissingKey {
  constructor(readonly key: string) {}
}

/** Any other evaluation or syntax error. */
export class JmespathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JmespathError';
  }
}

/** The functions go-jmespath ships with (evaluated by the community runtime). */
const STANDARD_FUNCTIONS = new Set([
  'abs',
  'avg',
  'ceil',
  'contains',
  'ends_with',
  'floor',
  'join',
  'keys',
  'length',
  'map',
  'max',
  'max_by',
  'merge',
  'min',
  'min_by',
  'not_null',
  'reverse',
  'sort',
  'sort_by',
  'starts_with',
  'to_array',
  'to_number',
  'to_string',
  'type',
  'values',
]);

const AST_CACHE = new Map<string, Node>();
const AST_CACHE_LIMIT = 5000;

/** Compiles (and caches) an expression; throws `JmespathError` on syntax errors. */
export function compileJmespath(expression: string): Node {
  let ast = AST_CACHE.get(expression);
  if (ast) return ast;
  try {
    ast = compile(expression);
  } catch (e) {
    throw new JmespathError(
      `invalid JMESPath expression ${JSON.stringify(expression)}: ${
        (e as Error).message
      }`,
    );
  }
  if (AST_CACHE.size >= AST_CACHE_LIMIT) AST_CACHE.clear();
  AST_CACHE.set(expression, ast);
  return ast;
}

function isFalse(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === false ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (isObject(value) && Object.keys(value).length === 0)
  );
}

function jpTypeOf(value: unknown): JpType {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' && (value as AnyNode).expref) return 'expref';
  return 'object';
}

function typeMatches(value: unknown, allowed: JpType[]): boolean {
  const t = jpTypeOf(value);
  for (const a of allowed) {
    if (a === 'any' || a === t) return true;
    if (a === 'array-string' && Array.isArray(value)) {
      if (value.every(v => typeof v === 'string')) return true;
    }
    if (a === 'array-number' && Array.isArray(value)) {
      if (value.every(v => typeof v === 'number')) return true;
    }
  }
  return false;
}

/** Names of the functions available in Kyverno expressions (standard + Kyverno's). */
export function jmespathFunctionNames(): string[] {
  return [...STANDARD_FUNCTIONS, ...Object.keys(KYVERNO_FUNCTIONS)].sort();
}

interface StandardRuntime {
  callFunction(name: string, args: unknown[]): unknown;
}

let standardRuntime: StandardRuntime | undefined;
/** Interpreters evaluating expression references (`&field`) of standard functions. */
const ACTIVE: KyvernoJmespath[] = [];

/**
 * A private runtime (not the library's global one) for the standard functions,
 * created once; expression references are evaluated by the active interpreter.
 */
function standardFunctions(): StandardRuntime {
  if (!standardRuntime) {
    const Ctor = (TreeInterpreter as any).constructor as new () => any;
    const own = new Ctor();
    own.runtime._interpreter = {
      visit: (node: Node, value: unknown) => {
        const active = ACTIVE[ACTIVE.length - 1];
        if (!active) {
          throw new JmespathError('expression reference outside of a search');
        }
        return active.visit(node as AnyNode, value);
      },
    };
    standardRuntime = own.runtime as StandardRuntime;
  }
  return standardRuntime;
}

/** Evaluates JMESPath expressions with Kyverno semantics. */
export class KyvernoJmespath {
  private root: unknown = null;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Evaluates `expression` against `data`. Throws `JmespathNotFoundError` or `JmespathError`. */
  search(expression: string, data: unknown): unknown {
    const ast = compileJmespath(expression);
    const previous = this.root;
    this.root = data;
    try {
      const result = this.visit(ast as AnyNode, data);
      return result === undefined ? null : result;
    } catch (e) {
      if (e instanceof MissingKey) throw new JmespathNotFoundError(e.key);
      throw e;
    } finally {
      this.root = previous;
    }
  }

  /** Current time used by `time_now()` and friends. */
  currentTime(): Date {
    return this.now();
  }

  private absorb(node: AnyNode, value: unknown): unknown {
    try {
      return this.visit(node, value);
    } catch (e) {
      if (e instanceof MissingKey) return null;
      throw e;
    }
  }

  private absorbAll(node: AnyNode, value: unknown): unknown {
    try {
      return this.visit(node, value);
    } catch (e) {
      if (e instanceof MissingKey || e instanceof JmespathError) {
        return null;
      }
      throw e;
    }
  }

  /** Walks one node. */
  visit(node: AnyNode, value: unknown): unknown {
    switch (node.type) {
      case 'Field': {
        if (isObject(value)) {
          if (Object.prototype.hasOwnProperty.call(value, node.name)) {
            const v = value[node.name];
            return v === undefined ? null : v;
          }
          throw new MissingKey(node.name);
        }
        return null;
      }
      case 'Subexpression':
      case 'IndexExpression': {
        const left = this.visit(node.left, value);
        return this.visit(node.right, left);
      }
      case 'Index': {
        if (!Array.isArray(value)) return null;
        const i = node.value < 0 ? value.length + node.value : node.value;
        return i >= 0 && i < value.length ? value[i] ?? null : null;
      }
      case 'Slice':
        return Array.isArray(value) ? slice(value, node) : null;
      case 'Projection': {
        const base = this.absorb(node.left, value);
        if (!Array.isArray(base)) return null;
        const out: unknown[] = [];
        for (const element of base) {
          const r = this.absorb(node.right, element);
          if (r !== null && r !== undefined) out.push(r);
        }
        return out;
      }
      case 'ValueProjection': {
        const base = this.absorbAll(node.left, value);
        if (!isObject(base)) return null;
        const out: unknown[] = [];
        for (const element of Object.values(base)) {
          const r = this.absorb(node.right, element);
          if (r !== null && r !== undefined) out.push(r);
        }
        return out;
      }
      case 'FilterProjection': {
        const base = this.absorbAll(node.left, value);
        if (!Array.isArray(base)) return null;
        const out: unknown[] = [];
        for (const element of base) {
          if (isFalse(this.absorb(node.condition, element))) continue;
          const r = this.absorb(node.right, element);
          if (r !== null && r !== undefined) out.push(r);
        }
        return out;
      }
      case 'Flatten': {
        const base = this.absorbAll(node.child, value);
        if (!Array.isArray(base)) return null;
        const out: unknown[] = [];
        for (const element of base) {
          if (Array.isArray(element)) out.push(...element);
          else out.push(element);
        }
        return out;
      }
      case 'Comparator': {
        const left = this.absorb(node.left, value);
        const right = this.absorb(node.right, value);
        switch (node.name) {
          case 'EQ':
            return deepEqual(left, right);
          case 'NE':
            return !deepEqual(left, right);
          default:
            break;
        }
        if (typeof left !== 'number' || typeof right !== 'number') return null;
        switch (node.name) {
          case 'GT':
            return left > right;
          case 'GTE':
            return left >= right;
          case 'LT':
            return left < right;
          case 'LTE':
            return left <= right;
          default:
            return null;
        }
      }
      case 'MultiSelectList': {
        if (value === null || value === undefined) return null;
        return (node.children as AnyNode[]).map(c => this.absorb(c, value));
      }
      case 'MultiSelectHash': {
        if (value === null || value === undefined) return null;
        const out: Record<string, unknown> = {};
        for (const child of node.children as unknown as AnyNode[]) {
          out[child.name] = this.absorb(child.value, value);
        }
        return out;
      }
      case 'OrExpression': {
        const left = this.absorb(node.left, value);
        if (!isFalse(left)) return left;
        return this.absorb(node.right, value);
      }
      case 'AndExpression': {
        const left = this.absorb(node.left, value);
        if (isFalse(left)) return left;
        return this.visit(node.right, value);
      }
      case 'NotExpression':
        return isFalse(this.absorb(node.child, value));
      case 'Pipe': {
        const left = this.absorb(node.left, value);
        return this.absorb(node.right, left);
      }
      case 'Literal':
        return node.value;
      case 'Current':
      case 'Identity':
        return value;
      case 'Root':
        return this.root;
      case 'ExpressionReference':
        return { expref: true, ...node.child };
      case 'Function': {
        const args = (node.children as AnyNode[]).map(c =>
          this.absorb(c, value),
        );
        return this.callFunction(node.name, args);
      }
      default:
        throw new JmespathError(
          `${node.type} expressions are not part of Kyverno's JMESPath`,
        );
    }
  }

  private callFunction(name: string, args: unknown[]): unknown {
    const spec: FunctionSpec | undefined = KYVERNO_FUNCTIONS[name];
    if (spec) {
      if (!spec.variadic && args.length !== spec.args.length) {
        throw new JmespathError(
          `invalid arity for function ${name}(): expected ${spec.args.length} argument(s), got ${args.length}`,
        );
      }
      spec.args.forEach((allowed, i) => {
        if (!typeMatches(args[i], allowed)) {
          throw new JmespathError(
            `invalid type for argument ${
              i + 1
            } of ${name}(): expected ${allowed.join(' or ')}, got ${jpTypeOf(
              args[i],
            )}`,
          );
        }
      });
      try {
        return spec.fn(args, this);
      } catch (e) {
        if (e instanceof JmespathError || e instanceof MissingKey) {
          throw e;
        }
        throw new JmespathError(
          `JMESPath function '${name}': ${(e as Error).message}`,
        );
      }
    }
    if (!STANDARD_FUNCTIONS.has(name)) {
      throw new JmespathError(`unknown function: ${name}()`);
    }
    ACTIVE.push(this);
    try {
      return standardFunctions().callFunction(name, args);
    } catch (e) {
      if (e instanceof MissingKey) throw e;
      throw new JmespathError((e as Error).message);
    } finally {
      ACTIVE.pop();
    }
  }
}

function slice(list: unknown[], node: AnyNode): unknown[] {
  const len = list.length;
  const step: number = node.step ?? 1;
  if (step === 0) throw new JmespathError('slice step cannot be 0');
  const low = step < 0 ? -1 : 0;
  const high = step < 0 ? len - 1 : len;
  const cap = (v: number) => {
    if (v < 0) return Math.max(v + len, low);
    return v >= len ? high : v;
  };
  let start: number;
  if (node.start === null || node.start === undefined) {
    start = step < 0 ? len - 1 : 0;
  } else start = cap(node.start);
  let stop: number;
  if (node.stop === null || node.stop === undefined) {
    stop = step < 0 ? -1 : len;
  } else stop = cap(node.stop);
  const out: unknown[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(list[i]);
  else for (let i = start; i > stop; i += step) out.push(list[i]);
  return out;
}
