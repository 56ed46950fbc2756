import type { KubernetesKindSpec } from '@internal/backstage-plugin-security-posture-backend-module-kubernetes';
import type { ReportResult, ResultFields } from './mapping';

type Json = Record<string, unknown>;

/** `wgpolicyk8s.io/v1alpha2` PolicyReport (namespaced). @public */
export const POLICY_REPORT_KIND: KubernetesKindSpec = {
  kind: 'PolicyReport',
  group: 'wgpolicyk8s.io',
  version: 'v1alpha2',
  plural: 'policyreports',
  namespaced: true,
};

/** `wgpolicyk8s.io/v1alpha2` ClusterPolicyReport. @public */
export const CLUSTER_POLICY_REPORT_KIND: KubernetesKindSpec = {
  kind: 'ClusterPolicyReport',
  group: 'wgpolicyk8s.io',
  version: 'v1alpha2',
  plural: 'clusterpolicyreports',
  namespaced: false,
};

/** The object a result is about. */
export interface SubjectRef {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
}

/** One result of a report, for one subject. */
export interface ReportEntry extends ResultFields {
  message?: string;
  properties?: Record<string, string>;
  /** ISO time the scanner produced the result. */
  timestamp?: string;
  subject?: SubjectRef;
  report: { kind: string; name: string; namespace?: string };
}

const RESULTS: readonly string[] = ['pass', 'fail', 'warn', 'error', 'skip'];

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function obj(v: unknown): Json | undefined {
  return v && typeof v === 'object' && !Array.isArray(v)
    ? (v as Json)
    : undefined;
}

function subjectOf(
  v: unknown,
  defaultNamespace?: string,
): SubjectRef | undefined {
  const o = obj(v);
  const kind = str(o?.kind);
  const name = str(o?.name);
  if (!o || !kind || !name) return undefined;
  return {
    apiVersion: str(o.apiVersion),
    kind,
    name,
    namespace: str(o.namespace) ?? defaultNamespace,
    uid: str(o.uid),
  };
}

/** A number, or its text as JSON encodes int64 fields ("1701868762"); nothing else. */
function numberOf(v: unknown): number | undefined {
  let n = Number.NaN;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && v.trim() !== '') n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** `{ seconds, nanos }` (seconds may come as a float such as `1.666094801e+09`). */
function timestampOf(v: unknown): string | undefined {
  // Kubescape writes an RFC 3339 string where the CRD has {seconds, nanos}.
  if (typeof v === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}T/.test(v)) return undefined;
    const date = new Date(v);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const o = obj(v);
  const seconds = numberOf(o?.seconds);
  if (!o || seconds === undefined || seconds <= 0) return undefined;
  const nanos = numberOf(o.nanos) ?? 0;
  const date = new Date(seconds * 1000 + Math.floor(nanos / 1e6));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function propertiesOf(v: unknown): Record<string, string> | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  let any = false;
  for (const [k, value] of Object.entries(o)) {
    if (k === '__proto__') continue;
    if (typeof value === 'string') {
      out[k] = value;
      any = true;
    }
  }
  return any ? out : undefined;
}

/**
 * The results of a PolicyReport or ClusterPolicyReport, one entry per result and
 * subject. A result names its subjects in `resources[]`; reports written per
 * resource (Kyverno 1.11 and later) name it once in `scope`. Results without a
 * policy or with an unknown verdict are counted in `skipped`, not returned.
 */
export function readReport(report: Json): {
  entries: ReportEntry[];
  skipped: number;
} {
  const entries: ReportEntry[] = [];
  let skipped = 0;
  const kind = str(report.kind) ?? 'PolicyReport';
  const metadata = obj(report.metadata);
  const name = str(metadata?.name) ?? '';
  const namespace =
    kind === 'PolicyReport' ? str(metadata?.namespace) : undefined;
  const scope = subjectOf(report.scope, namespace);
  const results = Array.isArray(report.results) ? report.results : [];
  for (const item of results) {
    const r = obj(item);
    const policy = str(r?.policy);
    const verdict = str(r?.result)?.toLowerCase();
    if (!r || !policy || !verdict || !RESULTS.includes(verdict)) {
      skipped++;
      continue;
    }
    const base: Omit<ReportEntry, 'subject'> = {
      source: str(r.source) ?? str(report.source) ?? 'unknown',
      policy,
      rule: str(r.rule),
      category: str(r.category),
      severity: str(r.severity),
      result: verdict as ReportResult,
      scored: typeof r.scored === 'boolean' ? r.scored : undefined,
      message: str(r.message) ?? str(r.description),
      properties: propertiesOf(r.properties),
      timestamp: timestampOf(r.timestamp),
      report: { kind, name, ...(namespace ? { namespace } : {}) },
    };
    const subjects = (Array.isArray(r.resources) ? r.resources : [])
      .map(s => subjectOf(s, namespace))
      .filter((s): s is SubjectRef => !!s);
    if (subjects.length === 0 && scope) subjects.push(scope);
    if (subjects.length === 0) {
      entries.push({ ...base });
      continue;
    }
    for (const subject of subjects) entries.push({ ...base, subject });
  }
  return { entries, skipped };
}
