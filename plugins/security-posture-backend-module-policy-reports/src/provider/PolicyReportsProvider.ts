import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_CLUSTER,
  type ClusterSnapshot,
  type SecurityPostureKubernetesService,
} from '@internal/backstage-plugin-security-posture-backend-module-kubernetes';
import type {
  ListedResource,
  QuarantinePolicy,
  ResourceProviderContext,
  SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import type { Severity } from '@internal/backstage-plugin-security-posture-common';
import type { Resource } from '@internal/security-posture-engine';
import {
  aggregateSummaryOf,
  IMPORTED_RESULT_TYPE,
  keptResults,
  summaryOf,
  type AggregatedResult,
  type ImportedResultAttributes,
} from '../imported';
import {
  importedCheckId,
  type ImportedOutcome,
  type MappedResult,
  type ResultMapping,
} from '../mapping';
import {
  CLUSTER_POLICY_REPORT_KIND,
  POLICY_REPORT_KIND,
  readReport,
  type ReportEntry,
  type SubjectRef,
} from '../reports';

const BATCH = 500;
const SEVERITY_RANK: Record<Severity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
};
/** The verdict an aggregated group reports for its outcome. */
const AGGREGATE_RESULT: Record<
  ImportedOutcome,
  'fail' | 'error' | 'pass' | 'skip'
> = {
  fail: 'fail',
  error: 'error',
  pass: 'pass',
  skip: 'skip',
};
const OUTCOME_RANK: Record<ImportedOutcome, number> = {
  fail: 0,
  error: 1,
  pass: 2,
  skip: 3,
};

/** Kyverno names the rules it generates for pod controllers `autogen-<rule>`. */
function baseRule(rule: string | undefined): string {
  return (rule ?? '').replace(/^autogen-(cronjob-)?/, '');
}

function subjectKey(s: SubjectRef): string {
  return `${s.kind}/${s.namespace ?? ''}/${s.name}`;
}

/** Counts of what a listing did with the results it read, for the log. */
interface Tally {
  reports: number;
  results: number;
  imported: number;
  unmapped: number;
  notScored: number;
  unowned: number;
}

/** An aggregated group being collected. */
interface Group {
  entry: ReportEntry;
  mapped: MappedResult;
  subject: SubjectRef;
  owners: string[];
  results: AggregatedResult[];
  /** Severity each result counts with, as mapped. */
  severities: Severity[];
}

/**
 * Findings other scanners already produced in one cluster — `wgpolicyk8s.io/v1alpha2`
 * PolicyReports and ClusterPolicyReports from Kyverno, Kubescape, the Trivy operator
 * (through trivy-operator-polr-adapter) — as `import.policy-report` resources owned
 * by whoever owns the reported object (a Pod's or ReplicaSet's results go to its
 * Deployment), evaluated by the checks the mapping generates.
 *
 * One provider per cluster (`policy-reports:<cluster>`), with the failure isolation
 * of the Kubernetes provider; the cluster's objects and owners come from the shared
 * per-scan snapshot of the Kubernetes module.
 * @public
 */
export class PolicyReportsProvider implements SecurityPostureResourceProvider {
  readonly id: string;
  readonly resourceTypes: readonly string[] = [IMPORTED_RESULT_TYPE];
  /**
   * Imported results shrink when people fix things or remove workloads, and are
   * applied; only a listing (or an entity's part of it) that drops to nothing is
   * held back, the sign of a report generator that restarted and has not
   * reported again yet.
   */
  readonly quarantine: QuarantinePolicy = 'when-empty';
  private notServedLogged = false;

  constructor(
    private readonly cluster: string,
    private readonly options: {
      kubernetes: SecurityPostureKubernetesService;
      mapping: ResultMapping;
      logger: LoggerService;
    },
  ) {
    this.id = `policy-reports:${cluster}`;
  }

  /** Entities pinned to this cluster are affected by its failure from their first scan. */
  appliesTo(entity: Entity): boolean {
    return (
      entity.metadata.annotations?.[ANNOTATION_KUBERNETES_CLUSTER]?.trim() ===
      this.cluster
    );
  }

  async *listResources(
    context: ResourceProviderContext,
  ): AsyncIterable<ListedResource[]> {
    const { kubernetes, logger } = this.options;
    const snapshot = await kubernetes.getSnapshot(this.cluster, context);
    const exclude = kubernetes.excludeNamespaces;
    const fieldSelector = exclude.length
      ? exclude.map(ns => `metadata.namespace!=${ns}`).join(',')
      : undefined;
    const namespaced = await kubernetes.listObjects(
      this.cluster,
      POLICY_REPORT_KIND,
      context,
      { fieldSelector },
    );
    const clusterScoped = await kubernetes.listObjects(
      this.cluster,
      CLUSTER_POLICY_REPORT_KIND,
      context,
    );
    if (!namespaced && !clusterScoped) {
      if (!this.notServedLogged) {
        this.notServedLogged = true;
        logger.info(
          `Security posture: cluster ${this.cluster} serves no PolicyReports (wgpolicyk8s.io/v1alpha2 is not installed); nothing to import`,
        );
      }
      return;
    }
    const tally: Tally = {
      reports: 0,
      results: 0,
      imported: 0,
      unmapped: 0,
      notScored: 0,
      unowned: 0,
    };
    const excluded = new Set(exclude);
    const single = new Map<string, ListedResource>();
    const groups = new Map<string, Group>();
    for (const report of [...(namespaced ?? []), ...(clusterScoped ?? [])]) {
      tally.reports++;
      const { entries } = readReport(report);
      for (const entry of entries) {
        tally.results++;
        this.add(entry, snapshot, excluded, tally, single, groups);
      }
    }

    let batch: ListedResource[] = [];
    const emit = (listed: ListedResource) => {
      batch.push(listed);
      tally.imported++;
    };
    for (const listed of single.values()) {
      emit(listed);
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    for (const group of groups.values()) {
      emit(this.aggregated(group));
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    logger.info(
      `Security posture: cluster ${this.cluster}: ${tally.results} results in ${tally.reports} policy reports, ${tally.imported} imported; ${tally.unmapped} not mapped, ${tally.notScored} skipped or not scored, ${tally.unowned} on objects no entity owns`,
    );
  }

  private add(
    entry: ReportEntry,
    snapshot: ClusterSnapshot,
    excluded: ReadonlySet<string>,
    tally: Tally,
    single: Map<string, ListedResource>,
    groups: Map<string, Group>,
  ) {
    const mapped = this.options.mapping.map(entry);
    if (!mapped) {
      tally.unmapped++;
      return;
    }
    if (mapped.outcome === 'skip') {
      tally.notScored++;
      return;
    }
    const reported = entry.subject;
    if (!reported || (reported.namespace && excluded.has(reported.namespace))) {
      tally.unowned++;
      return;
    }
    const top = snapshot.topLevelOf(reported);
    const subject: SubjectRef = {
      ...top,
      apiVersion: top.apiVersion ?? reported.apiVersion,
    };
    const owners = snapshot.ownersOf(top) ?? snapshot.ownersOf(reported) ?? [];
    if (owners.length === 0) {
      tally.unowned++;
      return;
    }
    const folded =
      subjectKey(top) !== subjectKey(reported) ? reported : undefined;

    if (mapped.aggregate) {
      const key = `${entry.source}\u0000${mapped.ruleIndex}\u0000${subjectKey(
        top,
      )}`;
      let group = groups.get(key);
      if (!group) {
        group = { entry, mapped, subject, owners, results: [], severities: [] };
        groups.set(key, group);
      }
      group.results.push({
        policy: entry.policy,
        rule: entry.rule,
        result: entry.result,
        outcome: mapped.outcome,
        severity: entry.severity,
        message: entry.message,
      });
      group.severities.push(mapped.severity);
      return;
    }

    const uid = `policy-report:${this.cluster}/${entry.source}/${
      entry.policy
    }/${baseRule(entry.rule)}/${subjectKey(top)}`;
    const previous = single.get(uid)?.resource.attributes as
      | ImportedResultAttributes
      | undefined;
    if (previous) {
      previous.count++;
      if (mapped.outcome === 'fail') previous.failing++;
      // The worst verdict of the object and its folded children stands.
      if (OUTCOME_RANK[mapped.outcome] >= OUTCOME_RANK[previous.outcome]) {
        return;
      }
    }
    const attributes: ImportedResultAttributes = {
      checkId: mapped.checkId,
      control: mapped.control,
      severity: mapped.severity,
      outcome: mapped.outcome,
      source: entry.source,
      policy: entry.policy,
      ...(entry.rule ? { rule: entry.rule } : {}),
      ...(entry.category ? { category: entry.category } : {}),
      result: entry.result,
      summary: summaryOf({ ...entry, subject, reportedOn: folded }),
      subject,
      ...(folded ? { reportedOn: folded } : {}),
      count: previous?.count ?? 1,
      failing: previous ? previous.failing : Number(mapped.outcome === 'fail'),
    };
    single.set(uid, {
      resource: this.resource(uid, subject, attributes, {
        source: entry.source,
        policy: entry.policy,
        rule: entry.rule,
        category: entry.category,
        result: entry.result,
        severity: entry.severity,
        message: entry.message,
        properties: entry.properties,
        timestamp: entry.timestamp,
        subject,
        ...(folded ? { reportedOn: folded } : {}),
        report: entry.report,
      }),
      hints: { entityRefs: owners },
    });
  }

  private aggregated(group: Group): ListedResource {
    const { entry, mapped, subject, owners, results, severities } = group;
    let outcome: ImportedOutcome = 'skip';
    let severity: Severity | undefined;
    let failing = 0;
    for (const r of results) {
      if (OUTCOME_RANK[r.outcome] < OUTCOME_RANK[outcome]) outcome = r.outcome;
    }
    // The group's severity: the worst among the results that decide its outcome.
    results.forEach((r, i) => {
      if (r.outcome !== outcome) return;
      if (r.outcome === 'fail') failing++;
      const s = severities[i];
      if (!severity || SEVERITY_RANK[s] < SEVERITY_RANK[severity]) {
        severity = s;
      }
    });
    const finalSeverity = severity ?? mapped.severity;
    const uid = `policy-report:${this.cluster}/${entry.source}/*/${
      mapped.control
    }/${subjectKey(subject)}`;
    const attributes: ImportedResultAttributes = {
      checkId: importedCheckId(mapped.control, finalSeverity),
      control: mapped.control,
      severity: finalSeverity,
      outcome,
      source: entry.source,
      policy: `${results.length} results`,
      result: AGGREGATE_RESULT[outcome],
      summary: aggregateSummaryOf({ source: entry.source, subject, results }),
      subject,
      count: results.length,
      failing,
    };
    return {
      resource: this.resource(uid, subject, attributes, {
        source: entry.source,
        subject,
        report: entry.report,
        count: results.length,
        results: keptResults(results),
      }),
      hints: { entityRefs: owners },
    };
  }

  private resource(
    uid: string,
    subject: SubjectRef,
    attributes: ImportedResultAttributes,
    raw: Record<string, unknown>,
  ): Resource<ImportedResultAttributes> {
    return {
      uid,
      type: IMPORTED_RESULT_TYPE,
      kind: subject.kind,
      name: subject.name,
      ...(subject.namespace ? { namespace: subject.namespace } : {}),
      source: {
        format: 'policy-report',
        provider: 'policy-reports',
        location: this.cluster,
      },
      attributes,
      raw,
    };
  }
}
