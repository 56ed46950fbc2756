import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { registerMswTestHooks, mockApis } from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  coreExtensionData,
  discoveryApiRef,
} from '@backstage/frontend-plugin-api';
import {
  securityPostureApi,
  securityPostureEntityCard,
  securityPostureEntityContent,
  securityPostureGroupContent,
  securityPosturePage,
  securityPosturePageRouteRef,
} from './alpha';
import {
  BASE,
  componentEntity,
  groupEntity,
  makeHistory,
  makePosture,
  makeTeam,
  userEntity,
} from './__testUtils__/fixtures';
import { quietHandlers } from './__testUtils__/handlers';

const server = setupServer(...quietHandlers());
registerMswTestHooks(server);

const ENTITY = `${BASE}/entities/component/default/payments-api`;

function render(entity: typeof componentEntity, extensions: any[]) {
  return renderTestApp({
    extensions: [
      createTestEntityPage({ entity }),
      securityPostureApi,
      ...extensions,
    ],
    apis: [
      [
        discoveryApiRef,
        mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
      ],
      [permissionApiRef, mockApis.permission()],
    ],
  });
}

describe('security-posture /alpha', () => {
  beforeEach(() => {
    server.use(
      http.get(ENTITY, () => HttpResponse.json(makePosture())),
      http.get(`${ENTITY}/findings`, () =>
        HttpResponse.json({ items: [], nextCursor: null, totalCount: 0 }),
      ),
      http.get(`${ENTITY}/history`, () => HttpResponse.json(makeHistory(30))),
      http.get(`${BASE}/teams/default/payments`, () =>
        HttpResponse.json(makeTeam()),
      ),
    );
  });

  it('shows the Security Posture tab on a Component', async () => {
    render(componentEntity, [
      securityPostureEntityContent,
      securityPostureGroupContent,
    ]);
    expect(await screen.findByTestId('posture-score')).toHaveTextContent(
      '89.8%',
    );
    expect(screen.getByText('Categories')).toBeInTheDocument();
  });

  it('shows the team view on a Group', async () => {
    render(groupEntity, [
      securityPostureEntityContent,
      securityPostureGroupContent,
    ]);
    expect(
      await screen.findByText('Security posture of Payments'),
    ).toBeInTheDocument();
    expect(screen.getByText('Worst open findings')).toBeInTheDocument();
  });

  it('shows no tab and no card on a User', async () => {
    render(userEntity, [
      securityPostureEntityContent,
      securityPostureGroupContent,
      securityPostureEntityCard,
    ]);
    expect(await screen.findByTestId('empty-entity-page')).toBeInTheDocument();
    expect(screen.queryByText('Security posture')).not.toBeInTheDocument();
  });

  it('shows the overview card on a Component', async () => {
    render(componentEntity, [securityPostureEntityCard]);
    expect(await screen.findByTestId('posture-card-score')).toHaveTextContent(
      '89.8%',
    );
  });

  it('offers the page at /security-posture with what the app navigation needs', () => {
    // the nav lists pages that have a route ref, a title and an icon
    const tester = createExtensionTester(securityPosturePage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/security-posture');
    expect(tester.get(coreExtensionData.routeRef)).toBe(
      securityPosturePageRouteRef,
    );
    expect(tester.get(coreExtensionData.title)).toBe('Security Posture');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
  });
});
