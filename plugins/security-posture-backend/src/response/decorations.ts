import type {
  EntityPosture,
  EntityScoreSummary,
  Finding,
  Leaderboard,
  PostureTargetStatus,
  TeamPosture,
} from '@internal/backstage-plugin-security-posture-common';
import type { PostureWithEntity } from '../database/types';
import type { ResponseConfig } from './config';
import { fixTemplateFor } from './fixTemplates';
import type { ResponseStore } from './ResponseStore';
import { evaluateTarget, findTarget, summarizeTeamTargets } from './targets';
import type { HierarchyCache } from './teamSettings';

/**
 * Additions the REST API makes to its answers for the response and governance
 * features: the posture target of entities and teams, and the Software Template
 * that fixes a finding. Every method returns its input unchanged when nothing
 * applies.
 */
export interface PostureDecorations {
  /** `GET /entities/…`: the entity's target. */
  entity(body: EntityPosture, posture: PostureWithEntity): EntityPosture;
  /** Ranking rows: the entity's target. */
  summary(
    body: EntityScoreSummary,
    posture: PostureWithEntity,
  ): EntityScoreSummary;
  /** Findings: the fix template of the check. */
  finding(body: Finding): Finding;
  /** `GET /teams/…`: targets over the team's entities (already decorated) and its own. */
  team(body: TeamPosture, rollup: PostureWithEntity | undefined): TeamPosture;
  /** `GET /leaderboard`: target counts per team. */
  leaderboard(body: Leaderboard): Promise<Leaderboard>;
}

/** The decorations of the plugin's configuration. */
export function createPostureDecorations(options: {
  config: ResponseConfig;
  store: ResponseStore;
  hierarchy: HierarchyCache;
}): PostureDecorations {
  const { config, store, hierarchy } = options;
  const targetOf = (p: PostureWithEntity): PostureTargetStatus | undefined => {
    const target = findTarget(config.targets, p.entity);
    return target ? evaluateTarget(target, p) : undefined;
  };
  return {
    entity(body, posture) {
      const target = targetOf(posture);
      return target ? { ...body, target } : body;
    },
    summary(body, posture) {
      const target = targetOf(posture);
      return target ? { ...body, target } : body;
    },
    finding(body) {
      if (config.fixTemplates.length === 0) return body;
      const fix = fixTemplateFor(
        body,
        config.fixTemplates,
        config.scaffolderPath,
      );
      return fix ? { ...body, fix } : body;
    },
    team(body, rollup) {
      const own = rollup ? targetOf(rollup) : undefined;
      const target = summarizeTeamTargets(body.entities, own);
      return target ? { ...body, target } : body;
    },
    async leaderboard(body) {
      if (config.targets.length === 0 || body.teams.length === 0) return body;
      const [h, inputs] = await Promise.all([
        hierarchy.get(),
        store.listTargetInputs(),
      ]);
      const statusOf = new Map<string, PostureTargetStatus>();
      for (const input of inputs) {
        const entity = h.get(input.ref);
        if (!entity) continue;
        const target = findTarget(config.targets, entity);
        if (target) statusOf.set(input.ref, evaluateTarget(target, input));
      }
      return {
        ...body,
        teams: body.teams.map(team => {
          const entities = [...new Set(h.ownedBySubtree(team.entityRef))].map(
            ref => ({ entityRef: ref, target: statusOf.get(ref) }),
          );
          const target = summarizeTeamTargets(
            entities,
            statusOf.get(team.entityRef),
            false,
          );
          return target ? { ...team, target } : team;
        }),
        entities: body.entities,
      };
    },
  };
}
