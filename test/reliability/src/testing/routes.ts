import type { Handler, Router } from 'express';
import { dirname } from 'node:path';

/** One route a plugin serves. */
export interface Route {
  method: string;
  path: string;
}

function routesOf(router: Router | Handler): Route[] {
  const out: Route[] = [];
  for (const layer of (router as unknown as { stack?: any[] }).stack ?? []) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) {
        if (method !== '_all') out.push({ method, path: layer.route.path });
      }
    } else if (layer.handle?.stack && layer.regexp?.fast_slash) {
      out.push(...routesOf(layer.handle));
    }
  }
  return out;
}

/**
 * Records what the test backend mounts on its root router (call before
 * `startTestBackend`), to read the routes a plugin really serves.
 */
export function recordRootRoutes() {
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
      return mounted.flatMap(([, handler]: any) => routesOf(handler));
    },
  };
}
