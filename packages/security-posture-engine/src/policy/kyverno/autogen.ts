/**
 * Auto-generation of rules for pod controllers, as Kyverno does it: a rule written
 * for `Pod` also checks the pod template of Deployments, StatefulSets, DaemonSets,
 * ReplicaSets, Jobs and ReplicationControllers (`autogen-<rule>`) and of CronJobs
 * (`autogen-cronjob-<rule>`), unless the policy's
 * `pod-policies.kyverno.io/autogen-controllers` annotation says otherwise (`none`,
 * or a comma-separated list of controllers).
 */
import { containsKind, kindsOf } from './match';
import type {
  KyvernoMatchResources,
  KyvernoPolicy,
  KyvernoResourceDescription,
  KyvernoResourceFilter,
  KyvernoRule,
  KyvernoValidation,
} from './types';
import { deepCopy, isObject } from './values';

/** The annotation that selects the controllers rules are generated for. */
export const AUTOGEN_CONTROLLERS_ANNOTATION =
  'pod-policies.kyverno.io/autogen-controllers';

/** Pod controllers, in Kyverno's order. */
export const POD_CONTROLLERS = [
  'DaemonSet',
  'Deployment',
  'Job',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'CronJob',
];

const NON_CRONJOB_CONTROLLERS = POD_CONTROLLERS.filter(c => c !== 'CronJob');

const GVK: Record<string, string> = {
  DaemonSet: 'apps/v1/DaemonSet',
  Deployment: 'apps/v1/Deployment',
  Job: 'batch/v1/Job',
  StatefulSet: 'apps/v1/StatefulSet',
  ReplicaSet: 'apps/v1/ReplicaSet',
  ReplicationController: 'v1/ReplicationController',
  CronJob: 'batch/v1/CronJob',
  Pod: 'v1/Pod',
};

const toGvk = (kinds: string[]) => kinds.map(k => GVK[k] ?? k);

const POD_AND_CONTROLLERS = new Set([...POD_CONTROLLERS, 'Pod']);

function supportsAutogen(
  d: KyvernoResourceDescription | undefined,
  needed: { value: boolean },
): boolean {
  if (!d) return true;
  const kinds = d.kinds ?? [];
  if (
    d.name ||
    (d.names && d.names.length > 0) ||
    d.selector ||
    (d.annotations !== undefined && d.annotations !== null) ||
    (kinds.length > 1 && containsKind(kinds, 'Pod'))
  ) {
    return false;
  }
  if (kinds.some(k => POD_AND_CONTROLLERS.has(k))) needed.value = true;
  return true;
}

function filtersSupport(
  m: KyvernoMatchResources | undefined,
  needed: { value: boolean },
): boolean {
  if (!m) return true;
  if (!supportsAutogen(m.resources, needed)) return false;
  for (const f of [...(m.any ?? []), ...(m.all ?? [])]) {
    if (!supportsAutogen(f.resources, needed)) return false;
  }
  return true;
}

function hasJson6902(mutate: unknown): boolean {
  if (!isObject(mutate)) return false;
  if (mutate.patchesJson6902) return true;
  const foreach = mutate.foreach;
  return (
    Array.isArray(foreach) &&
    foreach.some(f => isObject(f) && !!f.patchesJson6902)
  );
}

/** Whether the policy's rules can be generated for pod controllers. */
export function canAutogen(policy: KyvernoPolicy): boolean {
  const needed = { value: false };
  for (const rule of policy.spec.rules ?? []) {
    if (rule.generate) return false;
    if (rule.mutate && hasJson6902(rule.mutate)) return false;
    if (!filtersSupport(rule.match, needed)) return false;
    if (!filtersSupport(rule.exclude, needed)) return false;
  }
  return needed.value;
}

/** The controllers rules are generated for (empty when none). */
export function autogenControllers(policy: KyvernoPolicy): string[] {
  if (!canAutogen(policy)) return [];
  const annotation =
    policy.metadata.annotations?.[AUTOGEN_CONTROLLERS_ANNOTATION];
  if (annotation === undefined) return [...POD_CONTROLLERS];
  if (annotation.trim() === 'none') return [];
  if (annotation.trim() === 'all') return [...POD_CONTROLLERS];
  return annotation
    .split(',')
    .map(s => s.trim())
    .filter(s => s !== '');
}

function ruleName(prefix: string, name: string): string {
  return `${prefix}-${name}`.slice(0, 63);
}

function replaceKindsInFilters(
  filters: KyvernoResourceFilter[],
  kinds: string[],
  onlyPod: boolean,
): KyvernoResourceFilter[] {
  return filters.map(f => {
    if (onlyPod && !containsKind(f.resources?.kinds, 'Pod')) return f;
    return { ...f, resources: { ...(f.resources ?? {}), kinds: toGvk(kinds) } };
  });
}

function retarget(
  m: KyvernoMatchResources | undefined,
  kinds: string[],
  onlyPod: boolean,
  isExclude: boolean,
): KyvernoMatchResources | undefined {
  if (!m) return m;
  if (m.any && m.any.length > 0) {
    return { ...m, any: replaceKindsInFilters(m.any, kinds, onlyPod) };
  }
  if (m.all && m.all.length > 0) {
    return { ...m, all: replaceKindsInFilters(m.all, kinds, onlyPod) };
  }
  if (isExclude && !(m.resources?.kinds && m.resources.kinds.length > 0)) {
    return m;
  }
  return { ...m, resources: { ...(m.resources ?? {}), kinds: toGvk(kinds) } };
}

function wrapValidation(
  v: KyvernoValidation,
  tplKey: string,
): KyvernoValidation | undefined {
  const base: KyvernoValidation = {
    message: v.message,
    failureAction: v.failureAction,
    validationFailureAction: v.validationFailureAction,
    allowExistingViolations: v.allowExistingViolations,
  };
  if (v.pattern !== undefined && v.pattern !== null) {
    return { ...base, pattern: { spec: { [tplKey]: v.pattern } } };
  }
  if (v.deny) return { ...base, deny: v.deny };
  if (v.podSecurity) return { ...base, podSecurity: v.podSecurity };
  if (Array.isArray(v.anyPattern)) {
    return {
      ...base,
      anyPattern: v.anyPattern.map(p => ({ spec: { [tplKey]: p } })),
    };
  }
  if (Array.isArray(v.foreach) && v.foreach.length > 0) {
    return { ...base, foreach: v.foreach };
  }
  if (v.cel) return { ...v };
  return undefined;
}

function generateRule(
  name: string,
  rule: KyvernoRule,
  tplKey: string,
  kinds: string[],
  onlyPodFilters: boolean,
): KyvernoRule | undefined {
  const out: KyvernoRule = { ...deepCopy(rule), name };
  out.match = retarget(out.match, kinds, onlyPodFilters, false);
  out.exclude = retarget(out.exclude, kinds, onlyPodFilters, true);
  if (isObject(rule.mutate)) {
    const strategic = rule.mutate.patchStrategicMerge;
    if (strategic !== undefined) {
      out.mutate = { patchStrategicMerge: { spec: { [tplKey]: strategic } } };
      return out;
    }
    if (Array.isArray(rule.mutate.foreach) && rule.mutate.foreach.length > 0) {
      out.mutate = {
        foreach: rule.mutate.foreach.map((f: any) => ({
          list: f.list,
          context: f.context,
          preconditions: f.preconditions,
          patchStrategicMerge: { spec: { [tplKey]: f.patchStrategicMerge } },
        })),
      };
      return out;
    }
  }
  if (rule.validate) {
    const v = wrapValidation(rule.validate, tplKey);
    if (v) {
      out.validate = v;
      return out;
    }
  }
  if (rule.verifyImages) return out;
  return undefined;
}

const POD_REPLACEMENTS: Array<[string, string]> = [
  ['request.object.spec', 'request.object.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.template.metadata'],
];

const CRONJOB_REPLACEMENTS: Array<[string, string]> = [
  ['request.object.spec', 'request.object.spec.jobTemplate.spec.template.spec'],
  [
    'request.oldObject.spec',
    'request.oldObject.spec.jobTemplate.spec.template.spec',
  ],
  [
    'request.object.metadata',
    'request.object.spec.jobTemplate.spec.template.metadata',
  ],
  [
    'request.oldObject.metadata',
    'request.oldObject.spec.jobTemplate.spec.template.metadata',
  ],
];

function replaceText(
  text: string,
  replacements: Array<[string, string]>,
): string {
  let out = text;
  for (const [from, to] of replacements) out = out.split(from).join(to);
  return out;
}

/** Applies the text replacements to every string (and key) of the rule, as Kyverno does on its JSON. */
function replaceInRule<T>(value: T, replacements: Array<[string, string]>): T {
  if (typeof value === 'string')
    return replaceText(value, replacements) as unknown as T;
  if (Array.isArray(value)) {
    return value.map(v => replaceInRule(v, replacements)) as unknown as T;
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[replaceText(k, replacements)] = replaceInRule(v, replacements);
    }
    return out as T;
  }
  return value;
}

function forControllers(
  rule: KyvernoRule,
  controllers: string[],
): KyvernoRule | undefined {
  if (rule.name.startsWith('autogen-') || controllers.length === 0)
    return undefined;
  const matchKinds = kindsOf(rule.match);
  const excludeKinds = kindsOf(rule.exclude);
  if (!containsKind(matchKinds, 'Pod')) return undefined;
  if (excludeKinds.length > 0 && !containsKind(excludeKinds, 'Pod'))
    return undefined;
  const valid = controllers.filter(c => NON_CRONJOB_CONTROLLERS.includes(c));
  const kinds = (valid.length > 0 ? valid : controllers).slice().sort();
  return generateRule(
    ruleName('autogen', rule.name),
    rule,
    'template',
    kinds,
    true,
  );
}

function forCronJob(
  rule: KyvernoRule,
  controllers: string[],
): KyvernoRule | undefined {
  if (!controllers.includes('CronJob')) return undefined;
  const intermediate = forControllers(rule, controllers);
  if (!intermediate) return undefined;
  return generateRule(
    ruleName('autogen-cronjob', rule.name),
    intermediate,
    'jobTemplate',
    ['CronJob'],
    false,
  );
}

/** Computed rules per policy object and kind (policies are treated as immutable). */
const RULE_CACHE = new WeakMap<KyvernoPolicy, Map<string, KyvernoRule[]>>();

/**
 * The rules Kyverno applies to a resource of `kind` (or, with no kind, every rule
 * including all generated ones): the policy's own rules plus, for pod controllers,
 * the generated `autogen-…` rules.
 */
export function computeRules(
  policy: KyvernoPolicy,
  kind?: string,
): KyvernoRule[] {
  let byKind = RULE_CACHE.get(policy);
  if (!byKind) {
    byKind = new Map();
    RULE_CACHE.set(policy, byKind);
  }
  const key = kind ?? '';
  let rules = byKind.get(key);
  if (!rules) {
    rules = generateRules(policy, kind);
    byKind.set(key, rules);
  }
  return rules;
}

function generateRules(policy: KyvernoPolicy, kind?: string): KyvernoRule[] {
  const rules = policy.spec.rules ?? [];
  const controllers = autogenControllers(policy);
  let targets: string[];
  if (kind) {
    if (!controllers.includes(kind)) return rules;
    targets = [kind];
  } else {
    targets = controllers;
  }
  if (targets.length === 0) return rules;
  const generated: KyvernoRule[] = [];
  const nonCron = targets.filter(t => t !== 'CronJob');
  for (const rule of rules) {
    const g = forControllers(rule, nonCron);
    if (g) {
      generated.push({
        ...replaceInRule(g, POD_REPLACEMENTS),
        autogen: { from: rule.name, controllers: kindsOfGenerated(g) },
      });
    }
    const c = forCronJob(rule, targets);
    if (c) {
      generated.push({
        ...replaceInRule(c, CRONJOB_REPLACEMENTS),
        autogen: { from: rule.name, controllers: ['CronJob'] },
      });
    }
  }
  if (generated.length === 0) return rules;
  return [...rules.filter(r => !r.name.startsWith('autogen-')), ...generated];
}

function kindsOfGenerated(rule: KyvernoRule): string[] {
  return kindsOf(rule.match).map(k => k.split('/').pop() ?? k);
}
