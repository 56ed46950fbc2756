/**
 * Custom checks without code: YAML documents of kind `CustomCheck` whose rules are CEL
 * expressions, in the manner of Kubernetes ValidatingAdmissionPolicy.
 */
import { Environment } from '@marcbachmann/cel-js';
import {
  Document,
  isMap,
  isScalar,
  LineCounter,
  parseAllDocuments,
} from 'yaml';
import {
  CATEGORY_IDS,
  CategoryId,
  Evidence,
  FRAMEWORK_TITLES,
  FrameworkId,
  FrameworkMappings,
  Severity,
  SEVERITIES,
} from '@internal/backstage-plugin-security-posture-common';
import { CheckDefinition, CheckOutcome, fail, PASS } from '../../model/check';
import type { CanonicalType, Resource } from '../../model/resource';
import {
  DEFAULT_CONTROLS,
  ScorecardControl,
} from '../../scorecard/defaultScorecard';
import { yamlShapeProblem } from '../../scan/parse';
import {
  celObject,
  celResource,
  formatFieldPath,
  parseFieldPath,
  sourceObject,
  valueAt,
} from './activation';

/** `apiVersion` of custom check documents. */
export const CUSTOM_CHECK_API_VERSION =
  'security-posture.backstage.io/v1alpha1';
/** `kind` of custom check documents. */
export const CUSTOM_CHECK_KIND = 'CustomCheck';

/** A problem found while loading a custom check file. */
export interface CustomCheckLoadError {
  file: string;
  message: string;
}

/** What {@link loadCustomChecks} returns: the valid checks and a clear error per invalid one. */
export interface CustomCheckLoadResult {
  checks: CheckDefinition[];
  errors: CustomCheckLoadError[];
}

/** Options of {@link loadCustomChecks}. */
export interface CustomCheckLoadOptions {
  /** Scorecard controls checks may name (default: the default scorecard); a known control gives the category. */
  controls?: readonly ScorecardControl[];
}

/** Kubernetes kinds and the canonical type they are normalised to. */
const KIND_TYPES: Record<string, CanonicalType> = {
  Pod: 'k8s.workload',
  Deployment: 'k8s.workload',
  StatefulSet: 'k8s.workload',
  DaemonSet: 'k8s.workload',
  ReplicaSet: 'k8s.workload',
  ReplicationController: 'k8s.workload',
  Job: 'k8s.workload',
  CronJob: 'k8s.workload',
  Namespace: 'k8s.namespace',
  Service: 'k8s.service',
  Ingress: 'k8s.ingress',
  NetworkPolicy: 'k8s.networkpolicy',
  ServiceAccount: 'k8s.serviceaccount',
  Role: 'k8s.role',
  ClusterRole: 'k8s.role',
  RoleBinding: 'k8s.rolebinding',
  ClusterRoleBinding: 'k8s.rolebinding',
  Secret: 'k8s.secret',
  ConfigMap: 'k8s.configmap',
};

const MAX_FILE_SIZE = 1024 * 1024;
const MAX_EXPRESSION_LENGTH = 10_000;
const NAME_PATTERN = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;
const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The CEL environment every expression is compiled in. */
const environment = new Environment({
  unlistedVariablesAreDyn: false,
  enableOptionalTypes: true,
  homogeneousAggregateLiterals: false,
})
  .registerVariable('object', 'dyn')
  .registerVariable('resource', 'map')
  .registerVariable('variables', 'map');

type Compiled = ReturnType<Environment['parse']>;

interface CompiledVariable {
  name: string;
  expression: string;
  program: Compiled;
}

interface CompiledValidation {
  index: number;
  expression: string;
  program: Compiled;
  message: string;
  messageProgram?: Compiled;
  fieldPath?: (string | number)[];
}

interface CompiledMatchCondition {
  name: string;
  expression: string;
  program: Compiled;
}

type Path = (string | number)[];

function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function errorSummary(e: unknown): string {
  if (e && typeof e === 'object') {
    const summary = (e as { summary?: unknown }).summary;
    if (typeof summary === 'string' && summary) {
      const range = (e as { range?: { start: number } }).range;
      return range ? `${summary} (at column ${range.start + 1})` : summary;
    }
    if (e instanceof Error) return e.message;
  }
  return String(e);
}

/** Collects the errors of one document, each with its line and field path. */
class DocumentErrors {
  readonly messages: string[] = [];
  name?: string;

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly index: number,
  ) {}

  add(path: Path, message: string) {
    const where = formatPath(path);
    const who = this.name
      ? `check "${this.name}"`
      : `document ${this.index + 1}`;
    this.messages.push(
      `line ${this.line(path)}: ${who}: ${where ? `${where}: ` : ''}${message}`,
    );
  }

  private line(path: Path): number {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node?.range) return this.lines.linePos(node.range[0]).line;
    }
    return 1;
  }
}

/** Validation helpers over the plain JS value of a document. */
class Reader {
  constructor(private readonly errors: DocumentErrors) {}

  map(
    value: unknown,
    path: Path,
    allowed: readonly string[],
  ): Record<string, unknown> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.errors.add(path, `must be a map, got ${describe(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.errors.add(
          [...path, key],
          `unknown field; allowed fields are ${allowed.join(', ')}`,
        );
      }
    }
    return value as Record<string, unknown>;
  }

  string(
    parent: Record<string, unknown>,
    key: string,
    path: Path,
    required: boolean,
  ): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (required) this.errors.add([...path, key], 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.errors.add(
        [...path, key],
        `must be a non-empty string, got ${describe(value)}`,
      );
      return undefined;
    }
    return value;
  }

  stringList(
    parent: Record<string, unknown>,
    key: string,
    path: Path,
  ): string[] | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    if (
      !Array.isArray(value) ||
      value.length === 0 ||
      value.some(item => typeof item !== 'string' || item === '')
    ) {
      this.errors.add([...path, key], 'must be a non-empty list of strings');
      return undefined;
    }
    return value as string[];
  }

  list(
    parent: Record<string, unknown>,
    key: string,
    path: Path,
    required: boolean,
  ): unknown[] | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (required) this.errors.add([...path, key], 'is required');
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.errors.add([...path, key], `must be a list, got ${describe(value)}`);
      return undefined;
    }
    if (required && value.length === 0) {
      this.errors.add([...path, key], 'must not be empty');
      return undefined;
    }
    return value;
  }

  stringMap(parent: Record<string, unknown>, key: string, path: Path): void {
    const value = parent[key];
    if (value === undefined || value === null) return;
    if (
      typeof value !== 'object' ||
      Array.isArray(value) ||
      Object.values(value).some(v => typeof v !== 'string')
    ) {
      this.errors.add([...path, key], 'must be a map of strings');
    }
  }

  /** Compiles an expression; undefined (with an error) when it does not parse or type-check. */
  expression(
    parent: Record<string, unknown>,
    key: string,
    path: Path,
    scope: { variables: ReadonlySet<string> | undefined },
  ): { source: string; program: Compiled } | undefined {
    const source = this.string(parent, key, path, true);
    if (source === undefined) return undefined;
    const at = [...path, key];
    if (source.length > MAX_EXPRESSION_LENGTH) {
      this.errors.add(
        at,
        `expression longer than ${MAX_EXPRESSION_LENGTH} characters`,
      );
      return undefined;
    }
    let program: Compiled;
    try {
      program = environment.parse(source);
    } catch (e) {
      this.errors.add(at, `invalid CEL: ${errorSummary(e)}`);
      return undefined;
    }
    try {
      const checked = program.check();
      if (!checked.valid) {
        this.errors.add(at, `invalid CEL: ${errorSummary(checked.error)}`);
        return undefined;
      }
    } catch (e) {
      this.errors.add(at, `invalid CEL: ${errorSummary(e)}`);
      return undefined;
    }
    for (const match of source.matchAll(
      /\bvariables\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g,
    )) {
      if (!scope.variables) {
        this.errors.add(
          at,
          `variables are not available here (variables.${match[1]})`,
        );
        return undefined;
      }
      if (!scope.variables.has(match[1])) {
        this.errors.add(
          at,
          `unknown variable "${match[1]}"${
            scope.variables.size
              ? `; defined before this point: ${Array.from(
                  scope.variables,
                ).join(', ')}`
              : ''
          }`,
        );
        return undefined;
      }
    }
    return { source, program };
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const TOP_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'];
const METADATA_FIELDS = ['name', 'labels', 'annotations'];
const SPEC_FIELDS = [
  'title',
  'description',
  'severity',
  'category',
  'control',
  'weight',
  'remediation',
  'frameworks',
  'match',
  'matchConditions',
  'variables',
  'validations',
];
const REMEDIATION_FIELDS = ['text', 'url'];
const MATCH_FIELDS = ['kinds', 'types', 'namespaces'];
const NAMED_EXPRESSION_FIELDS = ['name', 'expression'];
const VALIDATION_FIELDS = [
  'expression',
  'message',
  'messageExpression',
  'fieldPath',
];

/** Reads and compiles one document; undefined when it has errors (reported on `errors`). */
function readCheck(
  value: unknown,
  errors: DocumentErrors,
  file: string,
  controls: readonly ScorecardControl[],
): CheckDefinition | undefined {
  const r = new Reader(errors);
  const early = (value as { metadata?: { name?: unknown } } | null)?.metadata
    ?.name;
  if (typeof early === 'string' && NAME_PATTERN.test(early)) {
    errors.name = early;
  }
  const top = r.map(value, [], TOP_FIELDS);
  if (!top) return undefined;
  let metadata: Record<string, unknown> | undefined;
  if (top.metadata === undefined) errors.add(['metadata'], 'is required');
  else metadata = r.map(top.metadata, ['metadata'], METADATA_FIELDS);
  const name = metadata && r.string(metadata, 'name', ['metadata'], true);
  if (name !== undefined) {
    if (NAME_PATTERN.test(name)) errors.name = name;
    else {
      errors.add(
        ['metadata', 'name'],
        `"${name}" is not a valid check id (lower-case letters, digits, "-" and ".", starting and ending with a letter or digit)`,
      );
    }
  }
  if (metadata) {
    r.stringMap(metadata, 'labels', ['metadata']);
    r.stringMap(metadata, 'annotations', ['metadata']);
  }
  if (top.apiVersion !== CUSTOM_CHECK_API_VERSION) {
    errors.add(
      ['apiVersion'],
      `must be ${CUSTOM_CHECK_API_VERSION}, got ${describe(top.apiVersion)}`,
    );
  }
  if (top.kind !== CUSTOM_CHECK_KIND) {
    errors.add(
      ['kind'],
      `must be ${CUSTOM_CHECK_KIND}, got ${describe(top.kind)}`,
    );
  }
  if (top.spec === undefined) {
    errors.add(['spec'], 'is required');
    return undefined;
  }
  const spec = r.map(top.spec, ['spec'], SPEC_FIELDS);
  if (!spec) return undefined;
  const S: Path = ['spec'];

  const title = r.string(spec, 'title', S, true);
  const description = r.string(spec, 'description', S, true);

  const severity = spec.severity as Severity;
  if (!SEVERITIES.includes(severity)) {
    errors.add(
      ['spec', 'severity'],
      spec.severity === undefined
        ? 'is required'
        : `must be one of ${SEVERITIES.join(', ')}, got ${describe(
            spec.severity,
          )}`,
    );
  }

  const control = r.string(spec, 'control', S, true);
  const known = control ? controls.find(c => c.id === control) : undefined;
  let category = spec.category as CategoryId | undefined;
  if (category !== undefined && !CATEGORY_IDS.includes(category)) {
    errors.add(
      ['spec', 'category'],
      `must be one of ${CATEGORY_IDS.join(', ')}, got ${describe(category)}`,
    );
  } else if (known) {
    if (category !== undefined && category !== known.category) {
      errors.add(
        ['spec', 'category'],
        `control "${known.id}" belongs to category ${known.category}, not ${category}`,
      );
    }
    category = known.category;
  } else if (control !== undefined && category === undefined) {
    errors.add(
      ['spec', 'category'],
      `is required for control "${control}", which is not a scorecard control (known: ${controls
        .map(c => c.id)
        .join(', ')})`,
    );
  }

  let weight = 1;
  if (spec.weight !== undefined) {
    if (
      typeof spec.weight !== 'number' ||
      !Number.isFinite(spec.weight) ||
      spec.weight < 0
    ) {
      errors.add(
        ['spec', 'weight'],
        `must be a number >= 0, got ${describe(spec.weight)}`,
      );
    } else weight = spec.weight;
  }

  let remediation: { text: string; url: string } | undefined;
  if (spec.remediation === undefined) {
    errors.add(['spec', 'remediation'], 'is required (text and url)');
  } else {
    const rem = r.map(
      spec.remediation,
      ['spec', 'remediation'],
      REMEDIATION_FIELDS,
    );
    if (rem) {
      const text = r.string(rem, 'text', ['spec', 'remediation'], true);
      const url = r.string(rem, 'url', ['spec', 'remediation'], true);
      if (url !== undefined && !isHttpUrl(url)) {
        errors.add(
          ['spec', 'remediation', 'url'],
          `must be an http(s) URL, got ${JSON.stringify(url)}`,
        );
      }
      if (text !== undefined && url !== undefined) remediation = { text, url };
    }
  }

  const frameworks: FrameworkMappings = {};
  if (spec.frameworks !== undefined) {
    const frameworkIds = Object.keys(FRAMEWORK_TITLES);
    const fw = r.map(spec.frameworks, ['spec', 'frameworks'], frameworkIds);
    if (fw) {
      for (const id of Object.keys(fw)) {
        if (!frameworkIds.includes(id)) continue;
        const list = r.stringList(fw, id, ['spec', 'frameworks']);
        if (list) frameworks[id as FrameworkId] = list;
      }
    }
  }

  // match
  let kinds: string[] | undefined;
  let namespaces: string[] | undefined;
  let appliesTo: string[] = [];
  if (spec.match === undefined) {
    errors.add(['spec', 'match'], 'is required (kinds and/or types)');
  } else {
    const match = r.map(spec.match, ['spec', 'match'], MATCH_FIELDS);
    if (match) {
      const M: Path = ['spec', 'match'];
      kinds = r.stringList(match, 'kinds', M);
      const types = r.stringList(match, 'types', M);
      namespaces = r.stringList(match, 'namespaces', M);
      if (match.kinds === undefined && match.types === undefined) {
        errors.add(M, 'needs kinds or types');
      }
      if (types) {
        appliesTo = Array.from(new Set(types));
      } else if (kinds) {
        const inferred = new Set<string>();
        for (const kind of kinds) {
          const type = KIND_TYPES[kind];
          if (type) inferred.add(type);
          else {
            errors.add(
              ['spec', 'match', 'kinds'],
              `cannot tell the canonical type of kind "${kind}"; add match.types`,
            );
          }
        }
        appliesTo = Array.from(inferred);
      }
    }
  }

  // matchConditions, variables, validations
  const matchConditions: CompiledMatchCondition[] = [];
  const conditionList = r.list(spec, 'matchConditions', S, false) ?? [];
  conditionList.forEach((item, i) => {
    const P: Path = ['spec', 'matchConditions', i];
    const m = r.map(item, P, NAMED_EXPRESSION_FIELDS);
    if (!m) return;
    const condName = r.string(m, 'name', P, true);
    const compiled = r.expression(m, 'expression', P, { variables: undefined });
    if (condName !== undefined && compiled) {
      matchConditions.push({
        name: condName,
        expression: compiled.source,
        program: compiled.program,
      });
    }
  });

  const variables: CompiledVariable[] = [];
  const declared = new Set<string>();
  const variableList = r.list(spec, 'variables', S, false) ?? [];
  variableList.forEach((item, i) => {
    const P: Path = ['spec', 'variables', i];
    const v = r.map(item, P, NAMED_EXPRESSION_FIELDS);
    if (!v) return;
    const varName = r.string(v, 'name', P, true);
    const compiled = r.expression(v, 'expression', P, {
      variables: new Set(declared),
    });
    if (varName === undefined) return;
    if (!IDENTIFIER_PATTERN.test(varName)) {
      errors.add([...P, 'name'], `"${varName}" is not a CEL identifier`);
      return;
    }
    if (declared.has(varName)) {
      errors.add([...P, 'name'], `variable "${varName}" is defined twice`);
      return;
    }
    declared.add(varName);
    if (compiled) {
      variables.push({
        name: varName,
        expression: compiled.source,
        program: compiled.program,
      });
    }
  });

  const validations: CompiledValidation[] = [];
  const validationList = r.list(spec, 'validations', S, true) ?? [];
  validationList.forEach((item, i) => {
    const P: Path = ['spec', 'validations', i];
    const v = r.map(item, P, VALIDATION_FIELDS);
    if (!v) return;
    const compiled = r.expression(v, 'expression', P, { variables: declared });
    const message = r.string(v, 'message', P, false);
    const messageProgram =
      v.messageExpression === undefined
        ? undefined
        : r.expression(v, 'messageExpression', P, { variables: declared });
    let fieldPath: (string | number)[] | undefined;
    const rawFieldPath = r.string(v, 'fieldPath', P, false);
    if (rawFieldPath !== undefined) {
      fieldPath = parseFieldPath(rawFieldPath);
      if (!fieldPath) {
        errors.add(
          [...P, 'fieldPath'],
          `"${rawFieldPath}" is not a field path (e.g. spec.template.spec.containers[0].image)`,
        );
      }
    }
    if (compiled) {
      validations.push({
        index: i,
        expression: compiled.source,
        program: compiled.program,
        message: message ?? `failed expression: ${compiled.source}`,
        messageProgram: messageProgram?.program,
        fieldPath,
      });
    }
  });

  if (errors.messages.length > 0) return undefined;

  return buildCheck({
    id: name!,
    file,
    title: title!,
    description: description!,
    severity,
    category: category!,
    control: control!,
    weight,
    appliesTo,
    frameworks,
    remediation: remediation!,
    kinds,
    namespaces,
    matchConditions,
    variables,
    validations,
  });
}

interface CheckSpec {
  id: string;
  file: string;
  title: string;
  description: string;
  severity: Severity;
  category: CategoryId;
  control: string;
  weight: number;
  appliesTo: string[];
  frameworks: FrameworkMappings;
  remediation: { text: string; url: string };
  kinds?: string[];
  namespaces?: string[];
  matchConditions: CompiledMatchCondition[];
  variables: CompiledVariable[];
  validations: CompiledValidation[];
}

function buildCheck(spec: CheckSpec): CheckDefinition {
  const kinds = spec.kinds ? new Set(spec.kinds) : undefined;
  const namespaces = spec.namespaces ? new Set(spec.namespaces) : undefined;
  const kindSkip: CheckOutcome = Object.freeze({
    status: 'skip' as const,
    reason: `kind not in match.kinds (${spec.kinds?.join(', ')})`,
  });
  const namespaceSkip: CheckOutcome = Object.freeze({
    status: 'skip' as const,
    reason: `namespace not in match.namespaces (${spec.namespaces?.join(
      ', ',
    )})`,
  });
  const conditionSkips = spec.matchConditions.map(c =>
    Object.freeze({
      status: 'skip' as const,
      reason: `match condition "${c.name}" is false`,
    }),
  );

  const run = (
    program: Compiled,
    activation: Record<string, unknown>,
    where: string,
    resource: Resource,
  ): unknown => {
    try {
      return program(activation);
    } catch (e) {
      throw new Error(
        `Custom check "${spec.id}" (${spec.file}): ${where} failed on ${
          resource.kind
        } "${resource.name}": ${errorSummary(e)}`,
      );
    }
  };
  const requireBool = (
    value: unknown,
    where: string,
    resource: Resource,
  ): boolean => {
    if (typeof value !== 'boolean') {
      throw new Error(
        `Custom check "${spec.id}" (${
          spec.file
        }): ${where} must evaluate to a bool, got ${describe(
          typeof value === 'bigint' ? Number(value) : value,
        )} on ${resource.kind} "${resource.name}"`,
      );
    }
    return value;
  };

  return {
    id: spec.id,
    title: spec.title,
    description: spec.description,
    severity: spec.severity,
    category: spec.category,
    control: spec.control,
    weight: spec.weight,
    appliesTo: spec.appliesTo as CanonicalType[],
    frameworks: spec.frameworks,
    remediation: spec.remediation,
    origin: 'cel',
    evaluate(resource: Resource): CheckOutcome {
      if (kinds && !kinds.has(resource.kind)) return kindSkip;
      if (namespaces && !namespaces.has(resource.namespace ?? '')) {
        return namespaceSkip;
      }
      const vars: Record<string, unknown> = {};
      const activation = {
        object: celObject(resource),
        resource: celResource(resource),
        variables: vars,
      };
      for (let i = 0; i < spec.matchConditions.length; i++) {
        const condition = spec.matchConditions[i];
        const where = `matchConditions[${i}] "${condition.name}"`;
        if (
          !requireBool(
            run(condition.program, activation, where, resource),
            where,
            resource,
          )
        ) {
          return conditionSkips[i];
        }
      }
      for (const variable of spec.variables) {
        vars[variable.name] = run(
          variable.program,
          activation,
          `variable "${variable.name}"`,
          resource,
        );
      }
      let messages: string[] | undefined;
      let evidence: Evidence[] | undefined;
      for (const validation of spec.validations) {
        const where = `validations[${validation.index}]`;
        const ok = requireBool(
          run(validation.program, activation, `${where}.expression`, resource),
          `${where}.expression`,
          resource,
        );
        if (ok) continue;
        let message = validation.message;
        if (validation.messageProgram) {
          // As in ValidatingAdmissionPolicy, a messageExpression that fails or does
          // not give a non-empty string falls back to the static message.
          try {
            const value = validation.messageProgram(activation);
            if (typeof value === 'string' && value.trim()) message = value;
          } catch {
            // keep the static message
          }
        }
        (messages ??= []).push(message);
        if (validation.fieldPath) {
          (evidence ??= []).push(evidenceFor(resource, validation.fieldPath));
        }
      }
      if (!messages) return PASS;
      return fail(messages.join('; '), ...(evidence ?? []));
    },
  };
}

/** Evidence for a validation's fieldPath: the path in the source document and the value there. */
function evidenceFor(
  resource: Resource,
  fieldPath: (string | number)[],
): Evidence {
  const value = valueAt(sourceObject(resource), fieldPath);
  let path = formatFieldPath(fieldPath);
  const usesRaw =
    resource.type.startsWith('k8s.') && resource.raw !== undefined;
  const origin =
    !usesRaw && typeof fieldPath[0] === 'string'
      ? resource.origins?.[fieldPath[0]]
      : undefined;
  if (origin !== undefined) {
    const rest = formatFieldPath(fieldPath.slice(1));
    path = rest ? `${origin}${rest.startsWith('[') ? '' : '.'}${rest}` : origin;
  }
  return { path, value };
}

/**
 * Loads the custom checks of one YAML file (one `CustomCheck` per document). Every
 * expression is compiled here, once. Invalid YAML, unknown fields, missing metadata
 * and bad CEL are reported in `errors` (with line numbers), never thrown; valid
 * documents of the same file still load.
 */
export function loadCustomChecks(
  text: string,
  file: string,
  options: CustomCheckLoadOptions = {},
): CustomCheckLoadResult {
  const checks: CheckDefinition[] = [];
  const errors: CustomCheckLoadError[] = [];
  try {
    if (typeof text !== 'string') {
      errors.push({ file, message: 'file content is not text' });
      return { checks, errors };
    }
    if (text.length > MAX_FILE_SIZE) {
      errors.push({
        file,
        message: `file is larger than ${MAX_FILE_SIZE} bytes; split it`,
      });
      return { checks, errors };
    }
    const tooDeep = yamlShapeProblem(text);
    if (tooDeep) {
      errors.push({ file, message: `invalid YAML: ${tooDeep}` });
      return { checks, errors };
    }
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, {
      lineCounter: lines,
      uniqueKeys: true,
    });
    if (!Array.isArray(docs)) {
      // An empty stream.
      return { checks, errors };
    }
    const controls = options.controls ?? DEFAULT_CONTROLS;
    const ids = new Set<string>();
    docs.forEach((doc, index) => {
      if (doc.errors.length > 0) {
        for (const e of doc.errors) {
          const line = e.linePos?.[0]?.line;
          errors.push({
            file,
            message: `${line ? `line ${line}: ` : ''}document ${
              index + 1
            }: invalid YAML: ${e.message.split('\n')[0]}`,
          });
        }
        return;
      }
      if (
        doc.contents === null ||
        (isScalar(doc.contents) && doc.contents.value === null)
      ) {
        return; // an empty document, e.g. after a trailing ---
      }
      if (!isMap(doc.contents)) {
        errors.push({
          file,
          message: `line ${
            lines.linePos(doc.contents.range?.[0] ?? 0).line
          }: document ${index + 1}: must be a CustomCheck map`,
        });
        return;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        errors.push({
          file,
          message: `document ${index + 1}: invalid YAML: ${errorSummary(e)}`,
        });
        return;
      }
      const docErrors = new DocumentErrors(doc, lines, index);
      const check = readCheck(value, docErrors, file, controls);
      if (check && ids.has(check.id)) {
        docErrors.add(
          ['metadata', 'name'],
          `duplicate check id "${check.id}" in this file`,
        );
      }
      for (const message of docErrors.messages) errors.push({ file, message });
      if (check && docErrors.messages.length === 0) {
        ids.add(check.id);
        checks.push(check);
      }
    });
  } catch (e) {
    errors.push({
      file,
      message: `could not load custom checks: ${errorSummary(e)}`,
    });
  }
  return { checks, errors };
}
