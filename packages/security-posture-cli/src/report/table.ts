import {
  gradeFor,
  SEVERITIES,
  type ScoreSummary,
} from '@internal/backstage-plugin-security-posture-common';
import type { Finding } from '@internal/security-posture-engine';
import type { ScanReportInput } from './types';

/** ANSI styling, or none. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) =>
  `\u001b[${open}m${s}\u001b[${close}m`;

/** Styles for a colour terminal. */
export const COLOR: Style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  green: wrap(32, 39),
  cyan: wrap(36, 39),
};

const identity = (s: string) => s;

/** No styling (pipes, files, NO_COLOR). */
export const PLAIN: Style = {
  bold: identity,
  dim: identity,
  red: identity,
  yellow: identity,
  green: identity,
  cyan: identity,
};

function percentText(percent: number | null): string {
  return percent === null ? 'n/a' : `${percent.toFixed(1)}%`;
}

function bar(summary: ScoreSummary, width = 20): string {
  if (summary.possible <= 0) return '·'.repeat(width);
  const filled = Math.round((summary.earned / summary.possible) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function points(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** Evidence value as short text (values are whatever the normalisers kept: no secrets). */
export function formatValue(value: unknown, max = 120): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined) text = '(not set)';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function resourceLabel(f: Finding): string {
  const r = f.resource;
  const name = r.address ?? (r.namespace ? `${r.namespace}/${r.name}` : r.name);
  return `${r.kind} ${name}`;
}

function colorFor(style: Style, percent: number | null): (s: string) => string {
  if (percent === null) return style.dim;
  if (percent >= 90) return style.green;
  if (percent >= 70) return style.yellow;
  return style.red;
}

function severityColor(style: Style, severity: Finding['severity']) {
  return severity === 'critical' || severity === 'high'
    ? style.red
    : style.yellow;
}

/**
 * Renders the terminal report: score and grade, coverage, category bars, failing
 * findings grouped by severity (resource, evidence, remediation link), exempted
 * findings, points to gain and the gate verdict.
 */
export function renderTable(input: ScanReportInput, style: Style): string {
  const { assessment } = input;
  const s = assessment.score;
  const out: string[] = [];
  const pct = s.score.percent;
  const scoreColor = colorFor(style, pct);
  out.push(
    `${style.bold('Security posture')}  ${scoreColor(
      style.bold(percentText(pct)),
    )}  grade ${scoreColor(style.bold(gradeFor(pct)))}  ${points(
      s.score.earned,
    )}/${points(s.score.possible)} points  coverage ${
      s.coverage === null ? 'n/a' : `${Math.round(s.coverage * 100)}%`
    }`,
  );
  if (
    s.adjustedScore.earned !== s.score.earned ||
    s.adjustedScore.percent !== pct
  ) {
    out.push(
      `Exemption-adjusted  ${percentText(
        s.adjustedScore.percent,
      )}  grade ${gradeFor(s.adjustedScore.percent)}  ${points(
        s.adjustedScore.earned,
      )}/${points(s.adjustedScore.possible)} points`,
    );
  }
  out.push(
    style.dim(
      `${input.files} file(s), ${input.resources} resource(s), ${
        assessment.evaluations
      } check evaluation(s)${
        input.ignored > 0
          ? `, ${input.ignored} non-resource document(s) skipped (catalog entities, policies)`
          : ''
      } · scoring model ${assessment.modelVersion}`,
    ),
  );
  out.push('');

  const titleWidth = Math.max(...s.categories.map(c => c.title.length));
  for (const c of s.categories) {
    const ratio = `${points(c.earned)}/${points(c.possible)}`;
    out.push(
      `  ${c.title.padEnd(titleWidth)}  ${colorFor(
        style,
        c.percent,
      )(bar(c))}  ${ratio.padStart(7)}  ${percentText(c.percent).padStart(6)}`,
    );
  }
  const notScored = s.controls.filter(
    c => c.status === 'unknown' || c.status === 'not_applicable',
  );
  if (notScored.length > 0) {
    const unknown = notScored.filter(c => c.status === 'unknown');
    const na = notScored.filter(c => c.status === 'not_applicable');
    if (na.length > 0) {
      out.push(
        style.dim(
          `  not applicable (no resource): ${na.map(c => c.id).join(', ')}`,
        ),
      );
    }
    if (unknown.length > 0) {
      out.push(
        style.yellow(
          `  unknown (input unreadable or check errors): ${unknown
            .map(c => c.id)
            .join(', ')}`,
        ),
      );
    }
  }
  out.push('');

  const failing = assessment.findings.filter(f => f.status === 'fail');
  if (failing.length === 0) {
    out.push(style.green('No failing findings.'));
  } else {
    out.push(style.bold(`Failing findings (${failing.length})`));
    for (const severity of SEVERITIES) {
      const group = failing.filter(f => f.severity === severity);
      if (group.length === 0) continue;
      out.push('');
      out.push(
        severityColor(
          style,
          severity,
        )(style.bold(`${severity.toUpperCase()} (${group.length})`)),
      );
      for (const f of group) {
        out.push(
          `  ${severityColor(style, severity)('✗')} ${style.bold(
            f.title,
          )}  ${style.dim(`[${f.checkId}]`)}`,
        );
        out.push(
          `    ${resourceLabel(f)}${
            f.resource.source.file
              ? style.dim(`  ${f.resource.source.file}`)
              : ''
          }`,
        );
        if (f.message && f.message !== f.title) out.push(`    ${f.message}`);
        for (const e of f.evidence.slice(0, 5)) {
          out.push(
            style.cyan(
              `    ${e.address ? `${e.address}: ` : ''}${
                e.path
              } = ${formatValue(e.value)}`,
            ),
          );
        }
        if (f.evidence.length > 5) {
          out.push(style.dim(`    … ${f.evidence.length - 5} more`));
        }
        out.push(`    fix: ${f.remediation.text}`);
        out.push(`    ${style.dim(f.remediation.url)}`);
      }
    }
  }

  const exempted = assessment.findings.filter(f => f.status === 'exempted');
  if (exempted.length > 0) {
    out.push('');
    out.push(style.bold(`Exempted (${exempted.length})`));
    for (const f of exempted) {
      const e = f.exemption!;
      out.push(
        `  ~ ${f.title}  ${style.dim(`[${f.checkId}]`)}  ${resourceLabel(f)}`,
      );
      out.push(
        style.dim(
          `    ${e.reason} — approved by ${e.approver}${
            e.ticket ? `, ${e.ticket}` : ''
          }, until ${e.expires}`,
        ),
      );
    }
  }

  const errored = assessment.findings.filter(f => f.status === 'error');
  if (errored.length > 0) {
    out.push('');
    out.push(style.yellow(`Check errors (${errored.length})`));
    for (const f of errored) {
      out.push(`  ! ${resourceLabel(f)}: ${f.message}`);
    }
  }

  if (s.pointsToGain.length > 0) {
    out.push('');
    out.push(style.bold('Points to gain'));
    for (const p of s.pointsToGain) {
      out.push(
        `  +${points(p.points)}  ${p.title} (${p.control})  ${style.dim(
          `+${p.percentGain.toFixed(1)} percentage points`,
        )}`,
      );
    }
  }

  const { gate } = input;
  if (gate.failUnder !== undefined || gate.failOn !== undefined) {
    out.push('');
    out.push(
      gate.passed
        ? style.green('Gate passed.')
        : style.red(`Gate failed: ${gate.reasons.join('; ')}`),
    );
  }
  return `${out.join('\n')}\n`;
}
