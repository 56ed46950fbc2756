/**
 * Test helpers: load a fixture file the way the CLI and providers do (YAML
 * multi-document or JSON), normalise it, and evaluate checks over the result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type {
  CheckDefinition,
  CheckOutcome,
  EvaluationContext,
  ResourceIndex,
} from '../../model/check';
import type {
  CanonicalType,
  NormalizeResult,
  Resource,
} from '../../model/resource';
import { normalizeKubernetesObjects } from '../normalize';

export function fixturePath(name: string): string {
  // Tests run from the source tree, where the fixtures sit next to this file.
  // eslint-disable-next-line no-restricted-syntax
  return path.join(__dirname, name);
}

/** The parsed documents of a fixture file. */
export function loadDocuments(name: string): unknown[] {
  const text = fs.readFileSync(fixturePath(name), 'utf8');
  if (name.endsWith('.json')) return [JSON.parse(text)];
  return parseAllDocuments(text).flatMap(doc =>
    'errors' in doc && doc.errors.length === 0 ? [doc.toJS()] : [],
  );
}

/** A fixture normalised as the manifests provider would (source file, no location). */
export function normalizeFixture(
  name: string,
  location?: string,
): NormalizeResult {
  return normalizeKubernetesObjects(loadDocuments(name), {
    format: name.endsWith('.json') ? 'kubernetes-json' : 'kubernetes-yaml',
    file: name,
    location,
  });
}

/** A straightforward ResourceIndex over a list of resources. */
export function indexOf(resources: readonly Resource[]): ResourceIndex {
  const byType = new Map<string, Resource[]>();
  const byUid = new Map<string, Resource>();
  for (const r of resources) {
    const list = byType.get(r.type) ?? [];
    list.push(r);
    byType.set(r.type, list);
    byUid.set(r.uid, r);
  }
  const none: Resource[] = [];
  return {
    all: () => resources,
    ofType: <A>(type: CanonicalType) =>
      (byType.get(type) ?? none) as readonly Resource<A>[],
    inNamespace: <A>(type: CanonicalType, namespace: string | undefined) =>
      (byType.get(type) ?? none).filter(
        r => r.namespace === namespace,
      ) as readonly Resource<A>[],
    byUid: uid => byUid.get(uid),
  };
}

export function contextOf(resources: readonly Resource[]): EvaluationContext {
  return {
    resources: indexOf(resources),
    now: new Date('2025-01-01T00:00:00Z'),
  };
}

/** The resource of a kind and name (and namespace, when given) in a result. */
export function pick(
  resources: readonly Resource[],
  kind: string,
  name: string,
  namespace?: string,
): Resource {
  const found = resources.find(
    r =>
      r.kind === kind &&
      r.name === name &&
      (namespace === undefined || r.namespace === namespace),
  );
  if (!found) throw new Error(`no ${kind} ${name} in fixture`);
  return found;
}

/** Evaluates a check on one resource of a set, as the engine would. */
export function evaluateOn(
  check: CheckDefinition,
  resource: Resource,
  resources: readonly Resource[],
): CheckOutcome {
  if (!check.appliesTo.includes(resource.type)) {
    throw new Error(`${check.id} does not apply to ${resource.type}`);
  }
  return check.evaluate(resource, contextOf(resources));
}
