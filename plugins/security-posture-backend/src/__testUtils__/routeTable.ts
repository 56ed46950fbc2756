import type { Handler, Router } from 'express';
import { dirname } from 'node:path';

/** One route the plugin serves. */
export interface Route {
  method: string;
  path: string;
}

/** Every route of an express router, sub-routers mounted at its root included. */
export function routesOf(router: Router | Handler): Route[] {
  const out: Route[] = [];
  const stack = (router as unknown as { stack?: any[] }).stack ?? [];
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) {
        if (method === '_all') continue;
        out.push({ method, path: layer.route.path });
      }
    } else if (layer.handle?.stack) {
      if (!layer.regexp?.fast_slash) {
        throw new Error(
          `A router is mounted below a path (${layer.regexp}): teach routesOf to read it`,
        );
      }
      out.push(...routesOf(layer.handle));
    }
  }
  return out;
}

/**
 * Records what the test backend mounts on its root router. Call before
 * `startTestBackend`; `routes(path)` then reads the routes served under `path`
 * (Backstage's own middleware and routes included).
 */
export function recordRootRoutes() {
  // startTestBackend builds the root router from the copy of backend-defaults
  // that backend-test-utils resolves (it may differ from the plugin's).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rootRouterModule = require(require.resolve(
    '@backstage/backend-defaults/rootHttpRouter',
    { paths: [dirname(require.resolve('@backstage/backend-test-utils'))] },
  ));
  const use = jest.spyOn(
    rootRouterModule.DefaultRootHttpRouter.prototype,
    'use',
  );
  return {
    routes(path: string): Route[] {
      const mounted = use.mock.calls.filter(([p]: any) => p === path);
      use.mockRestore();
      if (mounted.length !== 1) {
        throw new Error(`${mounted.length} routers mounted at ${path}`);
      }
      return routesOf(mounted[0][1] as Router);
    },
  };
}
