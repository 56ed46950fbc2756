import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { securityPosturePermissions } from '@internal/backstage-plugin-security-posture-common';
import {
  securityPostureChecksExtensionPoint,
  securityPostureResourceProvidersExtensionPoint,
  type SecurityPostureCheckSource,
  type SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import {
  BUILTIN_CHECKS,
  resolveControls,
  type CheckDefinition,
} from '@internal/security-posture-engine';
import { CatalogReader } from './catalog/CatalogReader';
import { CheckCatalogue, policyDirectorySource } from './checks/CheckCatalogue';
import { readSecurityPostureConfig } from './config';
import { SecurityPostureStore } from './database/SecurityPostureStore';
import { ALL_CANONICAL_TYPES, engineNormalizers } from './engineAdapter';
import { ManifestsResourceProvider } from './providers/manifests/ManifestsProvider';
import { setupResponseFeatures } from './response/setup';
import { ProviderListings } from './scan/ProviderListings';
import { RetentionTask } from './scan/RetentionTask';
import { Scanner } from './scan/Scanner';
import { ScanService } from './scan/ScanService';
import { createRouter, unknownRouteHandler } from './service/router';

/**
 * The Security Posture backend plugin: scheduled scans of the catalog's resources,
 * posture history, and the REST API at `/api/security-posture`.
 *
 * @public
 */
export const securityPosturePlugin = createBackendPlugin({
  pluginId: 'security-posture',
  register(env) {
    const providers: SecurityPostureResourceProvider[] = [];
    const extraChecks: CheckDefinition[] = [];
    const checkSources: SecurityPostureCheckSource[] = [];
    env.registerExtensionPoint(securityPostureResourceProvidersExtensionPoint, {
      addResourceProvider(...added) {
        providers.push(...added.flat());
      },
    });
    env.registerExtensionPoint(securityPostureChecksExtensionPoint, {
      addChecks(...added) {
        for (const c of added) {
          if (Array.isArray(c)) extraChecks.push(...c);
          else extraChecks.push(c as CheckDefinition);
        }
      },
      addCheckSource(...sources) {
        checkSources.push(...sources);
      },
    });

    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        notifications: notificationService,
        events: eventsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        rootConfig,
        database,
        httpRouter,
        httpAuth,
        auth,
        logger,
        scheduler,
        urlReader,
        permissions,
        permissionsRegistry,
        auditor,
        discovery,
        catalog,
        notifications,
        events,
        actionsRegistry,
      }) {
        const config = readSecurityPostureConfig(rootConfig);
        const store = await SecurityPostureStore.create({
          database,
          history: { snapshotHeartbeatMs: config.scan.snapshotHeartbeatMs },
        });
        permissionsRegistry.addPermissions(securityPosturePermissions);

        const allProviders: SecurityPostureResourceProvider[] = [];
        if (config.providers.manifests.enabled) {
          allProviders.push(
            new ManifestsResourceProvider({
              urlReader,
              integrations: ScmIntegrations.fromConfig(rootConfig),
              logger,
              config: config.providers.manifests,
              normalizers: engineNormalizers,
              resourceTypes: ALL_CANONICAL_TYPES,
            }),
          );
        }
        allProviders.push(...providers);
        const ids = new Set<string>();
        for (const p of allProviders) {
          if (ids.has(p.id)) {
            throw new Error(
              `Two security posture resource providers have the id "${p.id}"`,
            );
          }
          ids.add(p.id);
        }

        const checks = new CheckCatalogue({
          logger,
          builtin: BUILTIN_CHECKS,
          extra: extraChecks,
          sources: [
            ...config.policies.directories.map(dir =>
              policyDirectorySource(
                dir,
                resolveControls(config.scoring),
                config.policies.kyvernoMapping,
              ),
            ),
            ...checkSources,
          ],
          scoring: config.scoring,
        });
        await checks.load();

        // Regression alerts, response metrics, targets, exemption debt, fix
        // templates and actions (src/response, src/actions).
        const response = await setupResponseFeatures({
          rootConfig,
          database,
          store,
          catalog,
          auth,
          httpAuth,
          discovery,
          permissions,
          scheduler,
          logger,
          notifications,
          events,
          actionsRegistry,
          exemptionFiles: config.exemptions.files,
          scanKinds: config.scan.entityKinds,
          teamTypes: config.leaderboard.groupTypes,
        });

        const scanner = new Scanner({
          store,
          catalog: new CatalogReader({
            catalog,
            auth,
            logger,
            scanKinds: config.scan.entityKinds,
          }),
          providers: allProviders,
          checks,
          logger,
          auditor,
          config: config.scan,
          exemptionFiles: config.exemptions.files,
          // After the store, which runs the migrations.
          listings: await ProviderListings.create({ database }),
          onEntityScanned: response.onEntityScanned,
        });
        const scans = new ScanService({
          scheduler,
          scanner,
          store,
          logger,
          config: config.scan,
        });
        await scans.start();
        await new RetentionTask({
          store,
          logger,
          config: config.retention,
        }).schedule(scheduler);

        httpRouter.use(
          await createRouter({
            store,
            scans,
            checks,
            catalog,
            httpAuth,
            permissions,
            auditor,
            logger,
            scanKinds: config.scan.entityKinds,
            staleAfterMs: config.scan.staleAfterMs,
            leaderboardGroupTypes: config.leaderboard.groupTypes,
            decorations: response.decorations,
          }),
        );
        httpRouter.use(response.router);
        httpRouter.use(unknownRouteHandler());
        await response.start();
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info(
          `Security Posture backend started with providers: ${
            allProviders.map(p => p.id).join(', ') || 'none'
          }`,
        );
      },
    });
  },
});
