import { screen } from '@testing-library/react';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { EntitySecurityPostureCard } from './EntitySecurityPostureCard';
import {
  BASE,
  componentEntity,
  makePosture,
  neverScannedPosture,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { quietHandlers } from '../../__testUtils__/handlers';

const ENTITY = `${BASE}/entities/component/default/payments-api`;
const server = setupServer(...quietHandlers());
registerMswTestHooks(server);

describe('EntitySecurityPostureCard', () => {
  it('shows a progress bar while loading', async () => {
    server.use(
      http.get(ENTITY, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    await renderWithApis(<EntitySecurityPostureCard />, {
      entity: componentEntity,
    });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows score, grade, trend, weakest category and links to the tab', async () => {
    server.use(http.get(ENTITY, () => HttpResponse.json(makePosture())));
    await renderWithApis(<EntitySecurityPostureCard />, {
      entity: componentEntity,
    });
    expect(await screen.findByTestId('posture-card-score')).toHaveTextContent(
      '89.8%',
    );
    expect(
      screen.getByRole('img', { name: 'Grade B, 89.8%' }),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText('improved +2.5 pts over 7 days'),
    ).toBeInTheDocument();
    // data 26/33 = 78.8% is below network 26/32 = 81.3%
    expect(screen.getByText('Weakest: Data 26/33')).toBeInTheDocument();
    expect(screen.getByText('1 critical · 1 medium')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /View security posture/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/security-posture',
    );
  });

  it('says when the entity was never scanned', async () => {
    server.use(
      http.get(ENTITY, () => HttpResponse.json(neverScannedPosture())),
    );
    await renderWithApis(<EntitySecurityPostureCard />, {
      entity: componentEntity,
    });
    expect(await screen.findByText(/Not scanned yet\./)).toBeInTheDocument();
    expect(screen.queryByTestId('posture-card-score')).not.toBeInTheDocument();
  });

  it('shows partial status next to the score', async () => {
    server.use(
      http.get(ENTITY, () =>
        HttpResponse.json(makePosture({ status: 'partial', coverage: 0.5 })),
      ),
    );
    await renderWithApis(<EntitySecurityPostureCard />, {
      entity: componentEntity,
    });
    expect(
      await screen.findByText('114/127 points · coverage 50% · partial'),
    ).toBeInTheDocument();
  });

  it('shows the error', async () => {
    server.use(
      http.get(ENTITY, () =>
        HttpResponse.json(
          { error: { name: 'NotAllowedError', message: 'not allowed' } },
          { status: 403 },
        ),
      ),
    );
    await renderWithApis(<EntitySecurityPostureCard />, {
      entity: componentEntity,
    });
    expect(
      await screen.findByText(/Could not load the security posture/),
    ).toBeInTheDocument();
  });
});
