import type { SecurityPostureStore } from '../database/SecurityPostureStore';
import { Hierarchy } from '../scan/rollups';
import type { EffectiveAlertSettings, ResponseConfig } from './config';

/** The catalog hierarchy from the store, reloaded at most every `maxAgeMs`. */
export class HierarchyCache {
  private cached?: { at: number; value: Promise<Hierarchy> };

  constructor(
    private readonly store: Pick<SecurityPostureStore, 'listCatalogEntities'>,
    private readonly maxAgeMs = 30_000,
  ) {}

  get(fresh = false): Promise<Hierarchy> {
    const now = Date.now();
    if (!this.cached || fresh || now - this.cached.at > this.maxAgeMs) {
      const value = this.store
        .listCatalogEntities()
        .then(entities => new Hierarchy(entities));
      value.catch(() => {
        this.cached = undefined;
      });
      this.cached = { at: now, value };
    }
    return this.cached.value;
  }
}

/**
 * Alert settings per team: the defaults of `securityPosture.alerts`, overridden
 * by the `teams` entries of the owner's ancestors (top first) and finally of the
 * owner itself, so a department's opt-out covers its sub-teams unless one of them
 * opts back in.
 */
export class TeamSettingsResolver {
  constructor(
    private readonly config: ResponseConfig,
    private readonly hierarchy: HierarchyCache,
  ) {}

  async forOwner(
    ownerRef: string | undefined,
  ): Promise<EffectiveAlertSettings> {
    const { alerts } = this.config;
    const settings: EffectiveAlertSettings = {
      enabled: alerts.enabled,
      scoreDrop: alerts.scoreDrop,
      newCritical: alerts.newCritical,
      exemptionExpiry: alerts.exemptionExpiry,
    };
    if (!ownerRef || alerts.teams.length === 0) return settings;
    const byTeam = new Map(alerts.teams.map(t => [t.team, t]));
    const h = await this.hierarchy.get();
    const chain = [ownerRef, ...h.ancestorGroups(ownerRef)].reverse();
    for (const ref of chain) {
      const t = byTeam.get(ref);
      if (!t) continue;
      if (t.enabled !== undefined) settings.enabled = t.enabled;
      if (t.scoreDrop !== undefined) settings.scoreDrop = t.scoreDrop;
      if (t.newCritical !== undefined) settings.newCritical = t.newCritical;
      if (t.exemptionExpiry !== undefined) {
        settings.exemptionExpiry = t.exemptionExpiry;
      }
    }
    return settings;
  }
}
