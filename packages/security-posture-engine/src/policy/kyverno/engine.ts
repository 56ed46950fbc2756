/**
 * Evaluation of Kyverno `validate` rules on one resource, following Kyverno's
 * engine: rule selection (auto-generated pod-controller rules included), match and
 * exclude, context entries, preconditions, then `pattern`, `anyPattern`, `deny`,
 * `foreach` or the `podSecurity` subrule. Mutate, generate, verifyImages and CEL
 * rules are reported as unsupported skips, never as passes.
 */
import {
  evaluatePodSecurity,
  PodSecurityExclusion,
  PodSecurityLevel,
} from '../pss';
import { findAddIfAbsentAnchors } from './anchors';
import { computeRules } from './autogen';
import { ConditionError, evaluateConditions } from './conditions';
import { buildImagesContext } from './images';
import {
  JmespathError,
  JmespathNotFoundError,
  KyvernoJmespath,
} from './jmespath';
import { matchTargetOf, ruleMatchError } from './match';
import { matchPattern } from './matchPattern';
import type {
  KyvernoConditions,
  KyvernoContextEntry,
  KyvernoEvaluationOptions,
  KyvernoForEachValidation,
  KyvernoPolicy,
  KyvernoRule,
  KyvernoRuleResult,
  KyvernoRuleStatus,
} from './types';
import { isObject } from './values';
import {
  setDotted,
  substituteAll,
  substituteString,
  VariableSubstitutionError,
} from './variables';

type Context = Record<string, unknown>;

interface Response {
  status: KyvernoRuleStatus;
  message: string;
  unsupported?: boolean;
  /** Offending paths in the resource. */
  paths?: string[];
  /** Offending paths relative to the current `foreach` element. */
  relativePaths?: string[];
}

/** `request.object.spec.containers` → absolute `spec.containers`; `element.ports` → relative `ports`. */
function listPath(
  list: string,
): { base: 'request.object' | 'element'; path: string } | undefined {
  const m =
    /^\s*(request\.object|element)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*$/.exec(
      list,
    );
  if (!m) return undefined;
  return {
    base: m[1] as 'request.object' | 'element',
    path: m[2].slice(1),
  };
}

/** Paths of a failing element, lifted from the element to the list's scope. */
function liftPaths(
  r: Response,
  list: string,
  index: number,
): Pick<Response, 'paths' | 'relativePaths'> {
  const lp = listPath(list);
  const absolute = r.paths;
  if (!lp) return { paths: absolute };
  const inner = r.relativePaths ?? (absolute ? [] : ['']);
  const lifted = inner.map(p => {
    if (p === '') return `${lp.path}[${index}]`;
    return p.startsWith('[')
      ? `${lp.path}[${index}]${p}`
      : `${lp.path}[${index}].${p}`;
  });
  if (lp.base === 'request.object') {
    return { paths: [...(absolute ?? []), ...lifted] };
  }
  return { paths: absolute, relativePaths: lifted };
}

interface Env {
  jp: KyvernoJmespath;
  rule: KyvernoRule;
  providedEntries: Set<string>;
  unavailableContext: 'ignore' | 'skip';
  /** Notes about context entries that were not loaded. */
  unloaded: string[];
}

/** What a validator checks: the rule's validate block or one `foreach` entry. */
interface ValidatorSpec {
  context?: KyvernoContextEntry[];
  preconditions?: KyvernoConditions;
  pattern?: unknown;
  anyPattern?: unknown;
  deny?: { conditions?: KyvernoConditions };
  foreach?: KyvernoForEachValidation[];
  elementScope?: boolean;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const queryOf = (env: Env, ctx: Context) => (expression: string) => {
  const trimmed = expression.trim();
  if (trimmed === '') throw new JmespathError('invalid query (nil)');
  return env.jp.search(trimmed, ctx);
};

function subst(env: Env, ctx: Context, value: unknown): unknown {
  return substituteAll(value, queryOf(env, ctx));
}

/** The base JSON context of an admission request for `resource`. */
export function buildBaseContext(
  resource: unknown,
  options: KyvernoEvaluationOptions = {},
): Context {
  const variables = options.variables ?? {};
  const opVar = variables['request.operation'];
  const operation =
    options.operation ?? (typeof opVar === 'string' ? opVar : 'CREATE');
  const meta =
    isObject(resource) && isObject(resource.metadata) ? resource.metadata : {};
  const request: Context = {
    operation,
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
  };
  if (operation === 'DELETE') {
    request.oldObject = options.oldResource ?? resource;
  } else {
    request.object = resource;
    if (operation === 'UPDATE')
      request.oldObject = options.oldResource ?? resource;
  }
  const ctx: Context = { request };
  let images: unknown;
  Object.defineProperty(ctx, 'images', {
    enumerable: true,
    configurable: true,
    get() {
      if (images === undefined) {
        try {
          images = buildImagesContext(resource);
        } catch (e) {
          throw new JmespathError(errorMessage(e));
        }
      }
      return images;
    },
  });
  for (const [k, v] of Object.entries(variables)) setDotted(ctx, k, v);
  // an explicit operation wins over the values (as when Kyverno re-checks the old object)
  if (options.operation) setDotted(ctx, 'request.operation', operation);
  return ctx;
}

function copyContext(ctx: Context): Context {
  const out: Context = {};
  for (const key of Object.keys(ctx)) {
    const desc = Object.getOwnPropertyDescriptor(ctx, key)!;
    if (desc.get) {
      // lazily computed (images, context variables): copy the getter, do not run it
      Object.defineProperty(out, key, desc);
    } else {
      out[key] = desc.value;
    }
  }
  return out;
}

/** A context entry this engine cannot load (it needs a cluster or a registry). */
class UnavailableContextError extends Error {}

function loadContextEntries(
  env: Env,
  ctx: Context,
  entries: KyvernoContextEntry[] | undefined,
): void {
  for (const entry of entries ?? []) {
    if (!entry || typeof entry.name !== 'string') {
      throw new Error('context entry without a name');
    }
    if (env.providedEntries.has(entry.name)) continue;
    if (entry.variable) {
      if (entry.name.includes('.')) {
        setDotted(ctx, entry.name, loadVariable(env, ctx, entry));
      } else {
        defineLazyVariable(env, ctx, entry);
      }
      continue;
    }
    const type =
      (
        ['apiCall', 'configMap', 'imageRegistry', 'globalReference'] as const
      ).find(t => !!entry[t]) ?? 'unknown';
    const note = `context entry "${entry.name}" of type ${type} was not loaded: this engine has no cluster or registry access (give the variable a value, e.g. in the kyverno-test values file)`;
    if (env.unavailableContext === 'skip')
      throw new UnavailableContextError(note);
    env.unloaded.push(note);
  }
}

/**
 * Variables are loaded when first used, as Kyverno's deferred loading does: an
 * entry that cannot be computed only matters to the expressions that use it.
 */
function defineLazyVariable(
  env: Env,
  ctx: Context,
  entry: KyvernoContextEntry,
): void {
  let loaded = false;
  let value: unknown;
  Object.defineProperty(ctx, entry.name, {
    enumerable: true,
    configurable: true,
    get() {
      if (!loaded) {
        try {
          value = loadVariable(env, ctx, entry);
        } catch (e) {
          throw new JmespathError(
            `failed to load context entry ${entry.name}: ${errorMessage(e)}`,
          );
        }
        loaded = true;
      }
      return value;
    },
  });
}

function loadVariable(
  env: Env,
  ctx: Context,
  entry: KyvernoContextEntry,
): unknown {
  const variable = entry.variable!;
  let path = '';
  if (variable.jmesPath) {
    const p = subst(env, ctx, variable.jmesPath);
    if (typeof p !== 'string') {
      throw new Error(`jmespath value must be a string ${entry.name}`);
    }
    path = p;
  }
  let defaultValue: unknown = null;
  if (variable.default !== undefined && variable.default !== null) {
    defaultValue = subst(env, ctx, variable.default);
  }
  let output: unknown = defaultValue;
  if (variable.value !== undefined && variable.value !== null) {
    const value = subst(env, ctx, variable.value);
    if (path) {
      try {
        output = env.jp.search(path, value);
      } catch (e) {
        if (defaultValue === null) {
          throw new Error(
            `failed to apply jmespath ${path} to variable ${
              entry.name
            }: ${errorMessage(e)}`,
          );
        }
      }
    } else {
      output = value;
    }
  } else if (path) {
    try {
      const v = env.jp.search(path, ctx);
      if (v !== null && v !== undefined) output = v;
    } catch (e) {
      if (defaultValue === null) {
        throw new Error(
          `failed to apply jmespath ${path} for variable ${
            entry.name
          }: ${errorMessage(e)}`,
        );
      }
    }
  }
  if (output === null || output === undefined) {
    throw new Error(
      `failed to add context entry for variable ${entry.name} since it evaluated to nil`,
    );
  }
  return output;
}

function checkConditions(
  env: Env,
  ctx: Context,
  conditions: KyvernoConditions | undefined,
): { result: boolean; message: string } {
  return evaluateConditions(conditions, value => subst(env, ctx, value));
}

function substitutedMessage(
  env: Env,
  ctx: Context,
  text: string,
): string | undefined {
  try {
    const m = substituteString(text, queryOf(env, ctx));
    return typeof m === 'string' ? m : JSON.stringify(m);
  } catch {
    return undefined;
  }
}

function validateDeny(
  env: Env,
  ctx: Context,
  deny: { conditions?: KyvernoConditions },
): Response {
  let outcome;
  try {
    outcome = checkConditions(env, ctx, deny.conditions);
  } catch (e) {
    return {
      status: 'error',
      message: `failed to check deny conditions: ${errorMessage(e)}`,
    };
  }
  const name = env.rule.name;
  if (!outcome.result) {
    return { status: 'pass', message: `validation rule '${name}' passed.` };
  }
  const ruleMessage = ruleMessageOf(env);
  if (ruleMessage === '' && outcome.message === '') {
    return { status: 'fail', message: `validation error: rule ${name} failed` };
  }
  const combined = [ruleMessage, outcome.message]
    .filter(m => m !== '')
    .join('; ');
  const message = substitutedMessage(env, ctx, combined) ?? outcome.message;
  return { status: 'fail', message };
}

function patternFailMessage(
  env: Env,
  ctx: Context,
  detail: string,
  path: string,
): string {
  const name = env.rule.name;
  const ruleMessage = ruleMessageOf(env);
  if (ruleMessage === '') {
    return path
      ? `validation error: rule ${name} failed at path ${path}`
      : `validation error: rule ${name} execution error: ${detail}`;
  }
  let msg = substitutedMessage(env, ctx, ruleMessage);
  if (msg === undefined) {
    return `validation error: variables substitution error in rule ${name} execution error: ${detail}`;
  }
  if (!msg.endsWith('.')) msg += '.';
  return path
    ? `validation error: ${msg} rule ${name} failed at path ${path}`
    : `validation error: ${msg} rule ${name} execution error: ${detail}`;
}

function validatePatterns(
  env: Env,
  ctx: Context,
  target: unknown,
  pattern: unknown,
  anyPattern: unknown,
): Response {
  const name = env.rule.name;
  if (pattern !== undefined && pattern !== null) {
    const r = matchPattern(target, pattern);
    switch (r.status) {
      case 'pass':
        return { status: 'pass', message: `validation rule '${name}' passed.` };
      case 'skip':
        return { status: 'skip', message: r.message };
      case 'error':
        return {
          status: 'error',
          message: patternFailMessage(env, ctx, r.message, ''),
        };
      default:
        return {
          status: 'fail',
          message: patternFailMessage(env, ctx, r.message, r.path),
          paths: [r.evidencePath],
        };
    }
  }
  if (!Array.isArray(anyPattern)) {
    return {
      status: 'error',
      message: 'failed to deserialize anyPattern, expected type array',
    };
  }
  const failed: string[] = [];
  const skipped: string[] = [];
  const paths: string[] = [];
  for (let i = 0; i < anyPattern.length; i++) {
    const r = matchPattern(target, anyPattern[i]);
    if (r.status === 'pass') {
      return {
        status: 'pass',
        message: `validation rule '${name}' anyPattern[${i}] passed.`,
      };
    }
    if (r.status === 'skip') {
      skipped.push(`rule ${name}[${i}] skipped: ${r.message}`);
    } else if (r.status === 'error' || !r.path) {
      failed.push(`rule ${name}[${i}] failed: ${r.message}`);
    } else {
      failed.push(`rule ${name}[${i}] failed at path ${r.path}`);
      paths.push(r.evidencePath);
    }
  }
  if (skipped.length > 0 && failed.length === 0) {
    return { status: 'skip', message: skipped.join(' ') };
  }
  if (failed.length > 0) {
    const errors = failed.join(' ');
    const ruleMessage = ruleMessageOf(env);
    let message: string;
    if (ruleMessage === '') message = `validation error: ${errors}`;
    else {
      const msg = substitutedMessage(env, ctx, ruleMessage);
      if (msg === undefined) {
        message = `validation error: variables substitution error in rule ${name} execution error: ${errors}`;
      } else {
        message = msg.endsWith('.')
          ? `validation error: ${msg} ${errors}`
          : `validation error: ${msg}. ${errors}`;
      }
    }
    return { status: 'fail', message, paths };
  }
  return { status: 'pass', message: ruleMessageOf(env) };
}

function ruleMessageOf(env: Env): string {
  return env.rule.validate?.message ?? '';
}

function validate(
  env: Env,
  spec: ValidatorSpec,
  ctx: Context,
  nesting: number,
  element: unknown,
  resource: unknown,
): Response | undefined {
  try {
    loadContextEntries(env, ctx, spec.context);
  } catch (e) {
    if (e instanceof UnavailableContextError) throw e;
    return {
      status: 'error',
      message: `failed to load context: ${errorMessage(e)}`,
    };
  }
  let pre;
  try {
    pre = checkConditions(env, ctx, spec.preconditions);
  } catch (e) {
    return {
      status: 'error',
      message: `failed to evaluate preconditions: ${errorMessage(e)}`,
    };
  }
  if (!pre.result) {
    return {
      status: 'skip',
      message: ['preconditions not met', pre.message]
        .filter(Boolean)
        .join('; '),
    };
  }
  if (spec.deny) return validateDeny(env, ctx, spec.deny);
  if (
    (spec.pattern !== undefined && spec.pattern !== null) ||
    (spec.anyPattern !== undefined && spec.anyPattern !== null)
  ) {
    let pattern: unknown;
    let anyPattern: unknown;
    try {
      if (spec.pattern !== undefined && spec.pattern !== null) {
        pattern = subst(env, ctx, spec.pattern);
      } else {
        anyPattern = subst(env, ctx, spec.anyPattern);
      }
    } catch (e) {
      return {
        status: 'error',
        message: `variable substitution failed: ${errorMessage(e)}`,
      };
    }
    if (element !== undefined) {
      // element scope: the paths are relative to the element
      const r = validatePatterns(env, ctx, element, pattern, anyPattern);
      return r.paths ? { ...r, paths: undefined, relativePaths: r.paths } : r;
    }
    return validatePatterns(env, ctx, resource, pattern, anyPattern);
  }
  if (spec.foreach)
    return validateForEach(env, spec.foreach, ctx, nesting, element, resource);
  return undefined;
}

function validateForEach(
  env: Env,
  foreachList: KyvernoForEachValidation[],
  ctx: Context,
  nesting: number,
  element: unknown,
  resource: unknown,
): Response | undefined {
  let applyCount = 0;
  let listError: string | undefined;
  for (const foreach of foreachList) {
    let elements: unknown;
    try {
      elements = env.jp.search(String(foreach.list ?? '').trim(), ctx);
    } catch (e) {
      if (e instanceof JmespathNotFoundError) continue; // optional field absent
      listError = errorMessage(e);
      continue;
    }
    const list = Array.isArray(elements) ? elements : [elements];
    const { response, count } = validateElements(
      env,
      foreach,
      list,
      ctx,
      nesting,
      element,
      resource,
    );
    if (response.status !== 'pass') return response;
    applyCount += count;
  }
  if (applyCount === 0) {
    if (listError) {
      return {
        status: 'error',
        message: `failed to evaluate list: ${listError}`,
      };
    }
    return undefined;
  }
  return { status: 'pass', message: 'rule passed' };
}

function validateElements(
  env: Env,
  foreach: KyvernoForEachValidation,
  elements: unknown[],
  ctx: Context,
  nesting: number,
  outerElement: unknown,
  resource: unknown,
): { response: Response; count: number } {
  let count = 0;
  for (let index = 0; index < elements.length; index++) {
    const item = elements[index];
    if (item === null || item === undefined) continue;
    const elementCtx = copyContext(ctx);
    elementCtx.element = item;
    elementCtx[`element${nesting}`] = item;
    elementCtx.elementIndex = index;
    elementCtx[`elementIndex${nesting}`] = index;
    let scoped = isObject(item);
    if (foreach.elementScope !== undefined && foreach.elementScope !== null) {
      if (foreach.elementScope && !isObject(item)) {
        return {
          response: {
            status: 'error',
            message: `failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=${
              Array.isArray(item) ? 'array' : typeof item
            }`,
          },
          count,
        };
      }
      scoped = foreach.elementScope;
    }
    const spec: ValidatorSpec = {
      context: foreach.context,
      preconditions: foreach.preconditions,
      pattern: foreach.pattern,
      anyPattern: foreach.anyPattern,
      deny: foreach.deny,
      foreach: foreach.foreach,
    };
    const r = validate(
      env,
      spec,
      elementCtx,
      nesting + 1,
      scoped ? item : outerElement,
      resource,
    );
    if (!r || r.status === 'skip') continue;
    if (r.status !== 'pass') {
      if (
        r.status === 'error' &&
        r.message.includes('failed to evaluate preconditions')
      ) {
        continue;
      }
      return {
        response: {
          status: r.status,
          message: `validation failure: ${r.message}`,
          ...(r.status === 'fail' ? liftPaths(r, foreach.list, index) : {}),
        },
        count,
      };
    }
    count++;
  }
  return { response: { status: 'pass', message: '' }, count };
}

/** The pod (metadata + spec) Kyverno's podSecurity subrule evaluates for a resource. */
function podOf(
  resource: unknown,
): { metadata?: unknown; spec?: unknown } | undefined {
  if (!isObject(resource)) return undefined;
  const spec = isObject(resource.spec) ? resource.spec : {};
  switch (resource.kind) {
    case 'Pod':
      return { metadata: resource.metadata ?? {}, spec };
    case 'DaemonSet':
    case 'Deployment':
    case 'Job':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController': {
      const template = isObject(spec.template) ? spec.template : {};
      return { metadata: template.metadata ?? {}, spec: template.spec ?? {} };
    }
    case 'CronJob': {
      const jobTemplate = isObject(spec.jobTemplate) ? spec.jobTemplate : {};
      const jobSpec = isObject(jobTemplate.spec) ? jobTemplate.spec : {};
      const template = isObject(jobSpec.template) ? jobSpec.template : {};
      // Kyverno takes the job template's metadata (not the pod template's) for CronJobs.
      return {
        metadata: jobTemplate.metadata ?? {},
        spec: template.spec ?? {},
      };
    }
    default:
      return undefined;
  }
}

function validatePodSecurity(
  env: Env,
  resource: unknown,
  operation: string,
): Response | undefined {
  const ps = env.rule.validate!.podSecurity!;
  const name = env.rule.name;
  if (operation === 'DELETE') return undefined;
  const pod = podOf(resource);
  if (!pod) {
    return {
      status: 'error',
      message:
        'Error while getting new resource: could not find correct resource type',
    };
  }
  const level = ps.level as PodSecurityLevel;
  const version = ps.version ?? 'latest';
  let result;
  try {
    result = evaluatePodSecurity(pod as { metadata?: any; spec?: any }, {
      level,
      version,
      exclude: ps.exclude as PodSecurityExclusion[] | undefined,
      semantics: 'kyverno',
    });
  } catch (e) {
    return {
      status: 'error',
      message: `failed to parse pod security api version: ${errorMessage(e)}`,
    };
  }
  if (result.allowed) {
    return { status: 'pass', message: `Validation rule '${name}' passed.` };
  }
  const details = result.violations
    .map(v => `(${v.controlName}) ${v.message}`)
    .join('; ');
  return {
    status: 'fail',
    message: `Validation rule '${name}' failed. It violates PodSecurity "${ps.level}:${version}": ${details}`,
    paths: result.violations.flatMap(v => v.evidence.map(e => e.path)),
  };
}

const UNSUPPORTED = new WeakMap<KyvernoRule, string | null>();

/** Why a rule cannot be evaluated by this engine, or undefined. */
export function unsupportedReason(rule: KyvernoRule): string | undefined {
  let reason = UNSUPPORTED.get(rule);
  if (reason === undefined) {
    reason = computeUnsupportedReason(rule) ?? null;
    UNSUPPORTED.set(rule, reason);
  }
  return reason ?? undefined;
}

function computeUnsupportedReason(rule: KyvernoRule): string | undefined {
  const v = rule.validate;
  if (!v) {
    if (rule.mutate)
      return 'mutate rules are not evaluated (this engine only validates)';
    if (rule.generate)
      return 'generate rules are not evaluated (this engine only validates)';
    if (rule.verifyImages) {
      return 'verifyImages rules are not evaluated (they need registry access and signatures)';
    }
    return undefined;
  }
  if (v.cel)
    return 'validate.cel rules are not evaluated by the Kyverno engine (use CEL custom checks)';
  if (v.manifests)
    return 'validate.manifests (signed manifests) is not supported';
  if (v.assert) return 'validate.assert rules are not supported';
  if (rule.celPreconditions) return 'celPreconditions are not supported';
  const addIfAbsent = [
    ...findAddIfAbsentAnchors(v.pattern),
    ...(Array.isArray(v.anyPattern)
      ? findAddIfAbsentAnchors(v.anyPattern)
      : []),
  ];
  if (addIfAbsent.length > 0) {
    return `the +() add-if-absent anchor only applies to mutate rules; it is not valid in validate (at ${addIfAbsent.join(
      ', ',
    )})`;
  }
  return undefined;
}

function isEnforce(policy: KyvernoPolicy, rule: KyvernoRule): boolean {
  const action =
    rule.validate?.failureAction ??
    rule.validate?.validationFailureAction ??
    policy.spec.validationFailureAction ??
    (policy.spec as Record<string, unknown>).failureAction;
  return typeof action === 'string' && action.toLowerCase() === 'enforce';
}

/** Shared state for evaluating many rules on one resource. */
export interface PreparedResource {
  resource: unknown;
  kind: string;
  context: Context;
  options: KyvernoEvaluationOptions;
  jp: KyvernoJmespath;
}

/** Prepares the JSON context of a resource once, for several policies. */
export function prepareResource(
  resource: unknown,
  options: KyvernoEvaluationOptions = {},
): PreparedResource {
  return {
    resource,
    kind:
      isObject(resource) && typeof resource.kind === 'string'
        ? resource.kind
        : '',
    context: buildBaseContext(resource, options),
    options,
    jp: new KyvernoJmespath(options.now),
  };
}

function resultOf(
  policy: KyvernoPolicy,
  rule: KyvernoRule,
  r: Response,
): KyvernoRuleResult {
  const out: KyvernoRuleResult = {
    policy: policy.metadata.name,
    rule: rule.name,
    status: r.status,
    message: r.message,
  };
  if (rule.autogen) out.autogenFrom = rule.autogen.from;
  if (r.unsupported) out.unsupported = true;
  if (r.paths && r.paths.length > 0) out.paths = r.paths;
  return out;
}

/**
 * Evaluates one (possibly generated) rule; `undefined` when the rule does not apply
 * to the resource (match/exclude), as Kyverno reports no result then.
 */
export function evaluateKyvernoRule(
  policy: KyvernoPolicy,
  rule: KyvernoRule,
  prepared: PreparedResource,
): KyvernoRuleResult | undefined {
  const operation = String((prepared.context.request as Context).operation);
  const target = matchTargetOf(
    prepared.resource,
    operation,
    prepared.options.namespaceLabels,
  );
  const policyNamespace =
    policy.kind === 'Policy' ? policy.metadata.namespace : undefined;
  if (ruleMatchError(rule, target, policyNamespace)) return undefined;
  const unsupported = unsupportedReason(rule);
  if (unsupported) {
    return resultOf(policy, rule, {
      status: 'skip',
      message: unsupported,
      unsupported: true,
    });
  }
  if (!rule.validate) return undefined;
  const response = runRule(rule, prepared, operation);
  if (!response) return undefined;
  // Enforce + UPDATE: violations the old object already had are allowed (skip).
  if (
    response.status === 'fail' &&
    operation === 'UPDATE' &&
    isEnforce(policy, rule) &&
    rule.validate.allowExistingViolations !== false
  ) {
    const old = prepareResource(
      prepared.options.oldResource ?? prepared.resource,
      {
        ...prepared.options,
        operation: 'CREATE',
      },
    );
    const previous = runRule(rule, old, 'CREATE');
    if (previous?.status === 'fail') {
      return resultOf(policy, rule, {
        status: 'skip',
        message:
          'skipping the rule evaluation as pre-existing violations are allowed',
      });
    }
  }
  return resultOf(policy, rule, response);
}

function runRule(
  rule: KyvernoRule,
  prepared: PreparedResource,
  operation: string,
): Response | undefined {
  const ctx = copyContext(prepared.context);
  const provided =
    prepared.options.ruleVariables?.[rule.name] ??
    (rule.autogen
      ? prepared.options.ruleVariables?.[rule.autogen.from]
      : undefined) ??
    {};
  for (const [k, v] of Object.entries(provided)) setDotted(ctx, k, v);
  const providedEntries = new Set<string>();
  for (const key of [
    ...Object.keys(provided),
    ...Object.keys(prepared.options.variables ?? {}),
  ]) {
    providedEntries.add(key.split('.')[0]);
  }
  const env: Env = {
    jp: prepared.jp,
    rule,
    providedEntries,
    unavailableContext: prepared.options.unavailableContext ?? 'ignore',
    unloaded: [],
  };
  let response: Response | undefined;
  try {
    response = runRuleBody(env, rule, ctx, prepared, operation);
  } catch (e) {
    if (e instanceof UnavailableContextError) {
      return { status: 'skip', message: e.message, unsupported: true };
    }
    throw e;
  }
  if (response?.status === 'error' && env.unloaded.length > 0) {
    response = {
      ...response,
      message: `${response.message} (${env.unloaded.join('; ')})`,
    };
  }
  return response;
}

function runRuleBody(
  env: Env,
  rule: KyvernoRule,
  ctx: Context,
  prepared: PreparedResource,
  operation: string,
): Response | undefined {
  try {
    loadContextEntries(env, ctx, rule.context);
  } catch (e) {
    if (e instanceof UnavailableContextError) throw e;
    return {
      status: 'error',
      message: `failed to load context: ${errorMessage(e)}`,
    };
  }
  let pre;
  try {
    pre = checkConditions(env, ctx, rule.preconditions);
  } catch (e) {
    return {
      status: 'error',
      message: `failed to evaluate preconditions: ${errorMessage(e)}`,
    };
  }
  if (!pre.result) {
    return {
      status: 'skip',
      message: ['preconditions not met', pre.message]
        .filter(Boolean)
        .join('; '),
    };
  }
  const v = rule.validate!;
  if (v.podSecurity) {
    return validatePodSecurity(env, prepared.resource, operation);
  }
  if (operation === 'DELETE' && !v.deny && !v.foreach) return undefined;
  return validate(
    env,
    {
      pattern: v.pattern,
      anyPattern: v.anyPattern,
      deny: v.deny,
      foreach: v.foreach,
    },
    ctx,
    0,
    undefined,
    operation === 'DELETE'
      ? (prepared.context.request as Context).oldObject
      : prepared.resource,
  );
}

/**
 * Evaluates every rule of a policy (generated pod-controller rules included) on a
 * resource. Rules that do not apply give no result, as in Kyverno.
 */
export function evaluateKyvernoPolicy(
  policy: KyvernoPolicy,
  resource: unknown,
  options: KyvernoEvaluationOptions = {},
): KyvernoRuleResult[] {
  return evaluatePrepared(policy, prepareResource(resource, options));
}

/** Like {@link evaluateKyvernoPolicy}, with a prepared resource. */
export function evaluatePrepared(
  policy: KyvernoPolicy,
  prepared: PreparedResource,
): KyvernoRuleResult[] {
  const results: KyvernoRuleResult[] = [];
  const applyOne = policy.spec.applyRules === 'One';
  for (const rule of computeRules(policy, prepared.kind)) {
    const r = evaluateKyvernoRule(policy, rule, prepared);
    if (!r) continue;
    results.push(r);
    if (applyOne && (r.status === 'pass' || r.status === 'fail')) break;
  }
  return results;
}

/** Errors thrown by the engine's building blocks, for callers that classify them. */
export { ConditionError, VariableSubstitutionError };
