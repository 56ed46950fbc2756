import { ReactNode } from 'react';
import {
  renderInTestApp,
  TestApiProvider,
  mockApis,
} from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Entity } from '@backstage/catalog-model';
import { securityPostureApiRef, SecurityPostureClient } from '../api';

/** A real client against the msw-mocked backend. */
export function testClient() {
  return new SecurityPostureClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
}

/** Renders an element in a test app with the plugin's API and a permission decision. */
export async function renderWithApis(
  element: ReactNode,
  options: { entity?: Entity; canScan?: boolean } = {},
) {
  const wrapped = options.entity ? (
    <EntityProvider entity={options.entity}>{element}</EntityProvider>
  ) : (
    element
  );
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [securityPostureApiRef, testClient()],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.canScan
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
          }),
        ],
      ]}
    >
      {wrapped}
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
