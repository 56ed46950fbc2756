import { startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { securityPosturePlugin } from './plugin';

describe('securityPosturePlugin', () => {
  it('answers /health without credentials', async () => {
    const { server } = await startTestBackend({
      features: [securityPosturePlugin],
    });
    const res = await request(server)
      .get('/api/security-posture/health')
      .set('Authorization', 'Bearer mock-none-token');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
