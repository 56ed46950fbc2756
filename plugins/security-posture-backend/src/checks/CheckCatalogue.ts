import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  CheckMetadata,
  FrameworkId,
} from '@internal/backstage-plugin-security-posture-common';
import type { SecurityPostureCheckSource } from '@internal/backstage-plugin-security-posture-node';
import {
  applyCheckOverrides,
  createPostureEngine,
  loadPolicyDirectory,
  resolveControls,
  validateCatalog,
  type CheckDefinition,
  type KyvernoCheckMapping,
  type PostureEngine,
  type ScorecardControl,
  type ScoringConfig,
} from '@internal/security-posture-engine';

/**
 * The check catalogue: built-in checks, checks added by modules, and check sources
 * (policy folders, CEL checks) reloaded before every scan. Invalid or duplicate
 * checks are left out and logged; one bad policy never stops the others.
 */
export class CheckCatalogue {
  private readonly lastLoaded = new Map<string, readonly CheckDefinition[]>();
  private engine?: PostureEngine;
  private loading?: Promise<PostureEngine>;
  /** Problems found at the last load (left-out checks, failed sources). */
  problems: string[] = [];

  constructor(
    private readonly options: {
      logger: LoggerService;
      builtin: readonly CheckDefinition[];
      extra: readonly CheckDefinition[];
      sources: readonly SecurityPostureCheckSource[];
      scoring: ScoringConfig;
    },
  ) {}

  /** The engine of the last load (loads once if nothing was loaded yet). */
  async current(): Promise<PostureEngine> {
    return this.engine ?? this.load();
  }

  /** Reloads every source and rebuilds the scoring model. */
  async load(): Promise<PostureEngine> {
    if (!this.loading) {
      this.loading = this.doLoad().finally(() => {
        this.loading = undefined;
      });
    }
    return this.loading;
  }

  private async doLoad(): Promise<PostureEngine> {
    const { logger, builtin, extra, sources, scoring } = this.options;
    const problems: string[] = [];
    for (const source of sources) {
      try {
        const checks = await source.loadChecks({ logger });
        this.lastLoaded.set(source.id, checks);
      } catch (e) {
        const message = `Check source ${
          source.id
        } failed to load, keeping its previous checks: ${errorMessage(e)}`;
        logger.warn(message);
        problems.push(message);
      }
    }
    const all: CheckDefinition[] = [];
    const seen = new Set<string>();
    const add = (origin: string, checks: readonly CheckDefinition[]) => {
      for (const check of checks) {
        if (seen.has(check.id)) {
          problems.push(
            `Check ${check.id} from ${origin} left out: another check has the same id`,
          );
          continue;
        }
        seen.add(check.id);
        all.push(check);
      }
    };
    add('the built-in catalogue', builtin);
    add('a backend module', extra);
    for (const source of sources) {
      add(source.id, this.lastLoaded.get(source.id) ?? []);
    }
    const controls = resolveControls(scoring);
    const invalid = new Map<string, string>();
    for (const p of validateCatalog(
      applyCheckOverrides(all, scoring),
      controls,
    )) {
      invalid.set(
        p.checkId,
        `${invalid.get(p.checkId) ?? ''}${invalid.has(p.checkId) ? '; ' : ''}${
          p.message
        }`,
      );
    }
    for (const [id, message] of invalid) {
      problems.push(`Check ${id} left out: ${message}`);
    }
    const valid = all.filter(c => !invalid.has(c.id));
    for (const p of problems) logger.warn(p);
    const engine = createPostureEngine({ checks: valid, config: scoring });
    this.engine = engine;
    this.problems = problems;
    logger.info(
      `Security posture model ${engine.modelVersion}: ${engine.checks.length} checks, ${engine.controls.length} controls`,
    );
    return engine;
  }
}

/**
 * A check source reading Kyverno policies and CEL custom checks from a folder
 * (reloaded before every scan). `controls` are the scorecard controls custom
 * checks may name (the default scorecard plus configured extra controls);
 * `kyvernoMapping` puts Kyverno policies into categories and controls.
 */
export function policyDirectorySource(
  directory: string,
  controls?: readonly ScorecardControl[],
  kyvernoMapping?: KyvernoCheckMapping,
): SecurityPostureCheckSource {
  return {
    id: `policies:${directory}`,
    async loadChecks({ logger }) {
      const result = await loadPolicyDirectory(directory, {
        controls,
        kyvernoMapping,
      });
      for (const e of result.errors) {
        logger.warn(`Policy ${e.source}: ${e.message}`);
      }
      for (const w of result.warnings) {
        logger.info(`Policy ${w.source}: ${w.message}`);
      }
      return result.checks;
    },
  };
}

/** The catalogue as served by `GET /checks`: metadata without evaluation code. */
export function toCheckMetadata(check: CheckDefinition): CheckMetadata {
  return {
    id: check.id,
    title: check.title,
    description: check.description,
    severity: check.severity,
    category: check.category,
    control: check.control,
    weight: check.weight,
    appliesTo: [...check.appliesTo],
    frameworks: check.frameworks ?? {},
    remediation: {
      text: check.remediation.text,
      url: check.remediation.url,
    },
    origin: check.origin,
  };
}

/** The frameworks the checks map onto. */
export function frameworksOf(checks: readonly CheckMetadata[]): FrameworkId[] {
  const set = new Set<FrameworkId>();
  for (const c of checks) {
    for (const id of Object.keys(c.frameworks ?? {}))
      set.add(id as FrameworkId);
  }
  return [...set].sort();
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
