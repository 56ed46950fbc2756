import type {
  Assessment,
  CheckDefinition,
  Finding,
} from '@internal/security-posture-engine';

/** A problem with an input file, a policy or an exemption; reported, never fatal. */
export interface ReportError {
  source: string;
  message: string;
}

/** Everything a report renderer needs about one scan. */
export interface ScanReportInput {
  assessment: Assessment;
  /** The enabled checks the scan ran (for SARIF rules). */
  checks: readonly CheckDefinition[];
  errors: ReportError[];
  /** Policies that load but use something deprecated or not evaluated. */
  warnings: ReportError[];
  /** Files read, and resources found. */
  files: number;
  /** Documents skipped on purpose (Backstage entities, policies, tests). */
  ignored: number;
  resources: number;
  /** 1-based start line of each document, per file (for SARIF regions). */
  documentLines: ReadonlyMap<string, readonly number[]>;
  /** Directory relative paths are resolved against (the working directory). */
  cwd: string;
  /** The gate the scan is judged by. */
  gate: GateResult;
}

/** The outcome of the `--fail-under` / `--fail-on` gate. */
export interface GateResult {
  failUnder?: number;
  failOn?: Finding['severity'];
  passed: boolean;
  reasons: string[];
}
