import { gradeFor } from '@internal/backstage-plugin-security-posture-common';
import type { Finding } from '@internal/security-posture-engine';
import type { ReportError, ScanReportInput } from './types';

/** The `--format json` document: the documented contract of the CLI (see README). */
export interface JsonReport {
  score: { earned: number; possible: number; percent: number | null };
  adjustedScore: { earned: number; possible: number; percent: number | null };
  grade: string;
  categories: Array<{
    id: string;
    title: string;
    earned: number;
    possible: number;
    percent: number | null;
  }>;
  coverage: number | null;
  modelVersion: string;
  controls: Array<{
    id: string;
    title: string;
    category: string;
    weight: number;
    status: string;
    adjustedStatus: string;
    earned: number;
    adjustedEarned: number;
    possible: number;
    passed: number;
    failed: number;
    exempted: number;
    errors: number;
  }>;
  pointsToGain: Array<{
    control: string;
    title: string;
    category: string;
    points: number;
    percentGain: number;
  }>;
  findings: JsonFinding[];
  errors: ReportError[];
  warnings: ReportError[];
  summary: {
    files: number;
    /** Documents skipped on purpose: Backstage catalog entities, policies, tests. */
    ignoredDocuments: number;
    resources: number;
    evaluations: number;
    failing: Record<Finding['severity'], number>;
    exempted: number;
  };
  gate: {
    failUnder?: number;
    failOn?: string;
    passed: boolean;
    reasons: string[];
  };
}

/** One finding of the JSON report. */
export interface JsonFinding {
  checkId: string;
  title: string;
  severity: Finding['severity'];
  category: string;
  control: string;
  status: Finding['status'];
  resource: {
    kind: string;
    name: string;
    namespace?: string;
    address?: string;
    source: string;
    type: string;
    uid: string;
  };
  message: string;
  evidence: Finding['evidence'];
  remediation: { text: string; url: string };
  exemption?: Finding['exemption'];
}

/** Converts a finding to its JSON report shape. */
export function toJsonFinding(f: Finding): JsonFinding {
  return {
    checkId: f.checkId,
    title: f.title,
    severity: f.severity,
    category: f.category,
    control: f.control,
    status: f.status,
    resource: {
      kind: f.resource.kind,
      name: f.resource.name,
      ...(f.resource.namespace !== undefined
        ? { namespace: f.resource.namespace }
        : {}),
      ...(f.resource.address !== undefined
        ? { address: f.resource.address }
        : {}),
      source: f.resource.source.file ?? '',
      type: f.resource.type,
      uid: f.resource.uid,
    },
    message: f.message,
    evidence: f.evidence,
    remediation: f.remediation,
    ...(f.exemption ? { exemption: f.exemption } : {}),
  };
}

/** Builds the JSON report. */
export function buildJsonReport(input: ScanReportInput): JsonReport {
  const { assessment } = input;
  const s = assessment.score;
  const failing: Record<Finding['severity'], number> = {
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
  };
  let exempted = 0;
  for (const f of assessment.findings) {
    if (f.status === 'fail') failing[f.severity]++;
    else if (f.status === 'exempted') exempted++;
  }
  return {
    score: s.score,
    adjustedScore: s.adjustedScore,
    grade: gradeFor(s.score.percent),
    categories: s.categories.map(c => ({
      id: c.id,
      title: c.title,
      earned: c.earned,
      possible: c.possible,
      percent: c.percent,
    })),
    coverage: s.coverage,
    modelVersion: assessment.modelVersion,
    controls: s.controls.map(c => ({
      id: c.id,
      title: c.title,
      category: c.category,
      weight: c.weight,
      status: c.status,
      adjustedStatus: c.adjustedStatus,
      earned: c.earned,
      adjustedEarned: c.adjustedEarned,
      possible: c.possible,
      passed: c.passed,
      failed: c.failed,
      exempted: c.exempted,
      errors: c.errors,
    })),
    pointsToGain: s.pointsToGain,
    findings: assessment.findings.map(toJsonFinding),
    errors: input.errors,
    warnings: input.warnings,
    summary: {
      files: input.files,
      ignoredDocuments: input.ignored,
      resources: input.resources,
      evaluations: assessment.evaluations,
      failing,
      exempted,
    },
    gate: {
      ...(input.gate.failUnder !== undefined
        ? { failUnder: input.gate.failUnder }
        : {}),
      ...(input.gate.failOn !== undefined ? { failOn: input.gate.failOn } : {}),
      passed: input.gate.passed,
      reasons: input.gate.reasons,
    },
  };
}
