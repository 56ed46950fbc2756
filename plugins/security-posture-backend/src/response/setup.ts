import type {
  AuthService,
  DatabaseService,
  DiscoveryService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { PostureApiClient } from '../actions/PostureApiClient';
import { registerSecurityPostureActions } from '../actions/registerActions';
import type { SecurityPostureStore } from '../database/SecurityPostureStore';
import type { EntityScanEvent } from '../scan/Scanner';
import { readResponseConfig } from './config';
import {
  createPostureDecorations,
  type PostureDecorations,
} from './decorations';
import { ExemptionDebtService } from './exemptionDebt';
import { ExemptionExpiryTask } from './ExemptionExpiryTask';
import { RegressionAlerter } from './RegressionAlerter';
import { ResponseStore } from './ResponseStore';
import { createResponseRouter } from './router';
import { HierarchyCache, TeamSettingsResolver } from './teamSettings';

/** The response and governance features, wired into the plugin. */
export interface ResponseFeatures {
  /** The scanner's listener (regression alerts, events). */
  onEntityScanned: (event: EntityScanEvent) => Promise<void>;
  /** Additions to the posture routes' answers (targets, fix templates). */
  decorations: PostureDecorations;
  /** Routes: response metrics, posture changes, exemption debt. */
  router: Awaited<ReturnType<typeof createResponseRouter>>;
  /** Schedules the exemption expiry notices and registers the actions. */
  start(): Promise<void>;
}

/**
 * Sets up regression alerts, response metrics, posture targets, exemption debt,
 * fix templates and the actions for assistants. Reads and validates its config
 * first, so a mistake stops the start-up.
 */
export async function setupResponseFeatures(deps: {
  rootConfig: RootConfigService;
  database: DatabaseService;
  store: SecurityPostureStore;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  discovery: DiscoveryService;
  permissions: PermissionsService;
  scheduler: SchedulerService;
  logger: LoggerService;
  notifications: NotificationService;
  events?: EventsService;
  actionsRegistry?: ActionsRegistryService;
  exemptionFiles: readonly string[];
  scanKinds: readonly string[];
  teamTypes: readonly string[];
}): Promise<ResponseFeatures> {
  const config = readResponseConfig(deps.rootConfig);
  const responseStore = await ResponseStore.create({ database: deps.database });
  const hierarchy = new HierarchyCache(deps.store);
  const teamSettings = new TeamSettingsResolver(config, hierarchy);
  const debt = new ExemptionDebtService({
    catalog: deps.catalog,
    logger: deps.logger,
    exemptionFiles: deps.exemptionFiles,
    leadTimeMs: config.exemptionExpiry.leadTimeMs,
  });
  const alerter = new RegressionAlerter({
    store: responseStore,
    notifications: deps.notifications,
    events: deps.events,
    logger: deps.logger,
    config,
    teamSettings,
  });
  const router = await createResponseRouter({
    responseStore,
    catalog: deps.catalog,
    httpAuth: deps.httpAuth,
    permissions: deps.permissions,
    config,
    debt,
    hierarchy,
    scanKinds: deps.scanKinds,
    teamTypes: deps.teamTypes,
  });
  return {
    onEntityScanned: alerter.onEntityScanned,
    decorations: createPostureDecorations({
      config,
      store: responseStore,
      hierarchy,
    }),
    router,
    async start() {
      await new ExemptionExpiryTask({
        debt,
        store: responseStore,
        hierarchy,
        teamSettings,
        notifications: deps.notifications,
        events: deps.events,
        auth: deps.auth,
        logger: deps.logger,
        config,
      }).schedule(deps.scheduler);
      if (deps.actionsRegistry) {
        registerSecurityPostureActions({
          actionsRegistry: deps.actionsRegistry,
          api: new PostureApiClient({
            discovery: deps.discovery,
            auth: deps.auth,
          }),
        });
      }
      deps.logger.info(
        `Security posture response: alerts ${
          config.alerts.enabled
            ? `on (score drop ≥ ${config.alerts.scoreDrop} pts${
                config.alerts.newCritical ? ', new critical findings' : ''
              })`
            : 'off'
        }, ${config.targets.length} target(s), ${
          config.fixTemplates.length
        } fix template(s)`,
      );
    },
  };
}
