import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CATEGORY_IDS,
  SEVERITIES,
  gradeFor,
  type EntityPosture,
  type Finding,
  type Page,
  type PostureChange,
  type TeamPosture,
} from '@internal/backstage-plugin-security-posture-common';
import type { PostureApiClient } from './PostureApiClient';

const enc = encodeURIComponent;

/** The route parts of an entity ref (kind defaults to Component, namespace to default). */
export function entityPath(entityRef: string): {
  ref: string;
  kind: string;
  path: string;
} {
  let parsed;
  try {
    parsed = parseEntityRef(entityRef, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (e) {
    throw new InputError(
      `Invalid entityRef ${JSON.stringify(
        entityRef,
      )}: expected [kind:][namespace/]name, e.g. component:default/payments-api`,
    );
  }
  const kind = parsed.kind.toLowerCase();
  return {
    ref: `${kind}:${parsed.namespace}/${parsed.name}`.toLowerCase(),
    kind,
    path: `/entities/${enc(kind)}/${enc(parsed.namespace)}/${enc(parsed.name)}`,
  };
}

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : `${value.toFixed(1)}%`;
}

/** A plain-language explanation of an entity's score. */
export function explainText(
  posture: EntityPosture,
  regressions: PostureChange[],
): string {
  const s = posture.score;
  if (posture.status === 'never-scanned') {
    return `${
      posture.entityRef
    } has no security posture yet: ${posture.statusReasons.join(' ')}`;
  }
  const lines = [
    `${posture.entityRef} scores ${pct(s.percent)} (${s.earned}/${
      s.possible
    } points, grade ${gradeFor(s.percent)})${
      posture.adjustedScore.earned !== s.earned
        ? `, ${pct(posture.adjustedScore.percent)} with its active exemptions`
        : ''
    }; coverage ${
      posture.coverage === null
        ? 'n/a'
        : `${Math.round(posture.coverage * 100)}%`
    }; status ${posture.status}.`,
  ];
  const weak = posture.categories
    .filter(c => c.possible > 0 && c.earned < c.possible)
    .sort((a, b) => (a.percent ?? 0) - (b.percent ?? 0));
  if (weak.length > 0) {
    lines.push(
      `Points are lost in ${weak
        .map(c => `${c.title} (${c.earned}/${c.possible})`)
        .join(', ')}.`,
    );
  }
  const top = posture.pointsToGain.slice(0, 3);
  if (top.length > 0) {
    lines.push(
      `Fixing first: ${top
        .map(p => `${p.title} (+${p.points} points, +${p.percentGain} pts)`)
        .join('; ')}.`,
    );
  }
  const open = SEVERITIES.filter(sev => posture.counts[sev] > 0)
    .map(sev => `${posture.counts[sev]} ${sev}`)
    .join(', ');
  lines.push(open ? `Open findings: ${open}.` : 'No open findings.');
  if (posture.exemptions.length > 0) {
    lines.push(
      `${posture.exemptions.length} active exemption(s): ${posture.exemptions
        .slice(0, 3)
        .map(e => `${e.checkId} until ${e.expires} (${e.reason})`)
        .join('; ')}.`,
    );
  }
  if (posture.target) {
    lines.push(
      posture.target.met
        ? `It meets its target "${posture.target.name}".`
        : `It misses its target "${
            posture.target.name
          }": ${posture.target.reasons.join('; ')}.`,
    );
  }
  const last = regressions[0];
  if (last) {
    lines.push(
      `Latest regression ${last.at.slice(0, 10)}: ${pct(
        last.previousAdjustedPercent,
      )} → ${pct(last.currentAdjustedPercent)}${
        last.opened.length > 0
          ? `, now failing: ${last.opened
              .slice(0, 3)
              .map(f => `${f.title} on ${f.resource}`)
              .join('; ')}`
          : ''
      }.`,
    );
  }
  return lines.join(' ');
}

/**
 * Registers the plugin's read-only actions (exposed to MCP clients by the MCP
 * actions plugin when `security-posture` is in `backend.actions.pluginSources`).
 * Each action calls the REST API on behalf of its caller, so it answers what
 * the routes answer and refuses what they refuse.
 */
export function registerSecurityPostureActions(options: {
  actionsRegistry: ActionsRegistryService;
  api: PostureApiClient;
}) {
  const { actionsRegistry, api } = options;
  const get = <T>(
    path: string,
    credentials: BackstageCredentials,
    query?: Record<string, string | number | undefined>,
  ) => api.get<T>(path, credentials, query);

  actionsRegistry.register({
    name: 'get-security-posture',
    title: 'Get security posture',
    description: `The security posture of a catalog entity or a team, as the Security Posture REST API serves it.
For a Component, Resource or System: score (raw and exemption-adjusted), categories, controls, coverage, status, open findings by severity, points to gain, active exemptions, trend and posture target.
For a Group (a team): its roll-up score, its entities ranked worst first, sub-teams, worst open findings and target summary.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'Entity reference, e.g. component:default/payments-api or group:default/payments-core (kind defaults to component)',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          type: z.enum(['entity', 'team']),
          posture: z.record(z.any()),
        }),
    },
    action: async ({ input, credentials }) => {
      const { ref, kind, path } = entityPath(input.entityRef);
      if (kind === 'group') {
        const [, rest] = ref.split(':');
        const [namespace, name] = rest.split('/');
        const team = await get<TeamPosture>(
          `/teams/${enc(namespace)}/${enc(name)}`,
          credentials,
        );
        return {
          output: { entityRef: ref, type: 'team' as const, posture: team },
        };
      }
      const posture = await get<EntityPosture>(path, credentials);
      return {
        output: { entityRef: ref, type: 'entity' as const, posture },
      };
    },
  });

  actionsRegistry.register({
    name: 'explain-security-score',
    title: 'Explain a security score',
    description: `Explains why a catalog entity (or a team's roll-up) has its security score: a plain-language summary, the category breakdown (earned/possible points), the failing controls that would add the most points when fixed, the active exemptions, the posture target and the recent regressions.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'Entity reference, e.g. component:default/payments-api (kind defaults to component)',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          summary: z.string(),
          status: z.string(),
          score: z.record(z.any()),
          adjustedScore: z.record(z.any()),
          coverage: z.number().nullable(),
          categories: z.array(z.record(z.any())),
          topPointsToGain: z.array(z.record(z.any())),
          activeExemptions: z.array(z.record(z.any())),
          target: z.record(z.any()).optional(),
          recentRegressions: z.array(z.record(z.any())),
        }),
    },
    action: async ({ input, credentials }) => {
      const { ref, path } = entityPath(input.entityRef);
      const [posture, regressions] = await Promise.all([
        get<EntityPosture>(path, credentials),
        get<PostureChange[]>(`${path}/changes`, credentials, {
          regressions: 'true',
          limit: 5,
        }),
      ]);
      return {
        output: {
          entityRef: ref,
          summary: explainText(posture, regressions),
          status: posture.status,
          score: posture.score,
          adjustedScore: posture.adjustedScore,
          coverage: posture.coverage,
          categories: CATEGORY_IDS.map(id => {
            const raw = posture.categories.find(c => c.id === id);
            const adjusted = posture.adjustedCategories.find(c => c.id === id);
            return {
              id,
              title: raw?.title ?? id,
              earned: raw?.earned ?? 0,
              possible: raw?.possible ?? 0,
              percent: raw?.percent ?? null,
              adjustedPercent: adjusted?.percent ?? null,
            };
          }),
          topPointsToGain: posture.pointsToGain.slice(0, 5),
          activeExemptions: posture.exemptions,
          ...(posture.target ? { target: posture.target } : {}),
          recentRegressions: regressions,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'list-findings',
    title: 'List security findings',
    description: `One page of the security findings of a catalog entity (a System, Domain or Group lists its members' findings), most severe first, as the Security Posture REST API serves them: check, severity, category, status, resource, evidence (JSON path and offending value), remediation, first seen / resolved at, exemption, and a "fix with template" link when one is configured. Pass nextCursor as cursor for the next page.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'Entity reference, e.g. component:default/payments-api (kind defaults to component)',
            ),
          status: z
            .array(z.enum(['open', 'exempted', 'resolved', 'error']))
            .optional()
            .describe('Only these statuses (default: all)'),
          severity: z
            .array(z.enum(['critical', 'high', 'medium', 'low']))
            .optional()
            .describe('Only these severities'),
          category: z
            .array(
              z.enum(['identity_and_access', 'network', 'data', 'compute']),
            )
            .optional()
            .describe('Only these categories'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(500)
            .optional()
            .describe('Page size (default 50)'),
          cursor: z
            .string()
            .optional()
            .describe('nextCursor of the previous page'),
        }),
      output: z =>
        z.object({
          items: z.array(z.record(z.any())),
          nextCursor: z.string().nullable(),
          totalCount: z.number(),
        }),
    },
    action: async ({ input, credentials }) => {
      const { path } = entityPath(input.entityRef);
      const page = await get<Page<Finding>>(`${path}/findings`, credentials, {
        status: input.status?.join(','),
        severity: input.severity?.join(','),
        category: input.category?.join(','),
        limit: input.limit,
        cursor: input.cursor,
      });
      return { output: page };
    },
  });
}
