import { securityPosturePlugin } from './plugin';

describe('security-posture', () => {
  it('should export plugin', () => {
    expect(securityPosturePlugin).toBeDefined();
  });
});
