import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CheckDefinition,
  Finding,
} from '@internal/security-posture-engine';
import type { ScanReportInput } from './types';

/** GitHub code scanning's `security-severity` scores per severity. */
const SECURITY_SEVERITY: Record<Finding['severity'], string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

const LEVEL: Record<Finding['severity'], 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

const PROBLEM_SEVERITY: Record<Finding['severity'], string> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'recommendation',
};

/** `aws-s3-public-bucket` → `AwsS3PublicBucket` (SARIF rule names are identifiers). */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map(p => p[0].toUpperCase() + p.slice(1))
    .join('');
}

/** A path relative to `cwd` with forward slashes, as a relative URI reference. */
export function relativeUri(file: string, cwd: string): string {
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(cwd, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(abs).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

function rule(check: CheckDefinition) {
  const frameworks = Object.entries(check.frameworks ?? {})
    .flatMap(([framework, ids]) => (ids ?? []).map(id => `${framework}:${id}`))
    .sort();
  return {
    id: check.id,
    name: ruleName(check.id),
    shortDescription: { text: check.title },
    fullDescription: { text: check.description },
    helpUri: check.remediation.url,
    help: {
      text: `${check.remediation.text}\n\nGuidance: ${check.remediation.url}`,
      markdown: `${check.remediation.text}\n\n[Guidance](${check.remediation.url})`,
    },
    defaultConfiguration: { level: LEVEL[check.severity] },
    properties: {
      tags: ['security', check.category, check.control, ...frameworks],
      precision: 'high',
      'problem.severity': PROBLEM_SEVERITY[check.severity],
      'security-severity': SECURITY_SEVERITY[check.severity],
      severity: check.severity,
      category: check.category,
      control: check.control,
      origin: check.origin,
      frameworks: check.frameworks,
    },
  };
}

function fingerprint(f: Finding): string {
  return createHash('sha256')
    .update(`${f.checkId}\u0000${f.resource.uid}`)
    .digest('hex');
}

function evidenceText(f: Finding): string {
  return f.evidence
    .slice(0, 5)
    .map(e => {
      let value: string;
      try {
        value = JSON.stringify(e.value) ?? String(e.value);
      } catch {
        value = String(e.value);
      }
      if (value.length > 200) value = `${value.slice(0, 199)}…`;
      return `${e.address ? `${e.address}: ` : ''}${e.path} = ${value}`;
    })
    .join('; ');
}

/**
 * Builds a SARIF 2.1.0 log: one rule per check that produced a finding (with
 * help, helpUri and `security-severity`), one result per failing or exempted
 * finding (exempted ones carry an accepted external suppression) located at the
 * file, relative to the working directory, and the resource as a logical
 * location. Unreadable inputs and check errors become tool notifications.
 */
export function buildSarif(input: ScanReportInput, version: string) {
  const { assessment, cwd } = input;
  const reported = assessment.findings.filter(
    f => f.status === 'fail' || f.status === 'exempted',
  );
  const usedIds = new Set(reported.map(f => f.checkId));
  const rules = input.checks.filter(c => usedIds.has(c.id)).map(rule);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));

  const results = reported.map(f => {
    const file = f.resource.source.file;
    const document = f.resource.source.document;
    const startLine =
      (file !== undefined && document !== undefined
        ? input.documentLines.get(file)?.[document]
        : undefined) ?? 1;
    const r = f.resource;
    const fullyQualifiedName =
      r.address ?? [r.kind, r.namespace, r.name].filter(Boolean).join('/');
    const evidence = evidenceText(f);
    return {
      ruleId: f.checkId,
      ruleIndex: ruleIndex.get(f.checkId)!,
      level: LEVEL[f.severity],
      message: {
        text: `${f.message} (${r.kind} ${
          r.address ?? (r.namespace ? `${r.namespace}/${r.name}` : r.name)
        })${evidence ? `: ${evidence}` : ''}`,
      },
      locations: [
        {
          ...(file !== undefined
            ? {
                physicalLocation: {
                  artifactLocation: {
                    uri: relativeUri(file, cwd),
                    ...(relativeUri(file, cwd).startsWith('file:')
                      ? {}
                      : { uriBaseId: '%SRCROOT%' }),
                  },
                  region: { startLine },
                },
              }
            : {}),
          logicalLocations: [
            {
              name: r.name,
              fullyQualifiedName,
              kind: 'resource',
            },
          ],
        },
      ],
      fingerprints: { 'securityPosture/v1': fingerprint(f) },
      partialFingerprints: { 'securityPosture/v1': fingerprint(f) },
      ...(f.status === 'exempted' && f.exemption
        ? {
            suppressions: [
              {
                kind: 'external',
                status: 'accepted',
                justification: `${f.exemption.reason} (approved by ${
                  f.exemption.approver
                }${
                  f.exemption.ticket ? `, ${f.exemption.ticket}` : ''
                }, until ${f.exemption.expires})`,
              },
            ],
          }
        : {}),
      properties: {
        severity: f.severity,
        category: f.category,
        control: f.control,
        resourceType: r.type,
        resourceUid: r.uid,
        evidence: f.evidence,
      },
    };
  });

  const notifications = [
    ...input.errors.map(e => ({
      level: 'warning' as const,
      message: { text: e.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: relativeUri(e.source, cwd) },
          },
        },
      ],
    })),
    ...assessment.findings
      .filter(f => f.status === 'error')
      .map(f => ({
        level: 'error' as const,
        message: { text: f.message },
        descriptor: { id: f.checkId },
      })),
  ];

  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'security-posture',
            fullName: 'Security Posture for Backstage',
            version,
            semanticVersion: version,
            rules,
          },
        },
        originalUriBaseIds: {
          '%SRCROOT%': { uri: pathToFileURL(`${cwd}${sep}`).href },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: notifications,
          },
        ],
        results,
        properties: {
          score: assessment.score.score,
          adjustedScore: assessment.score.adjustedScore,
          coverage: assessment.score.coverage,
          modelVersion: assessment.modelVersion,
        },
      },
    ],
  };
}
