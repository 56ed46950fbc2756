import { createRouteRef } from '@backstage/core-plugin-api';

/** Route of the Security Posture page. */
export const rootRouteRef = createRouteRef({ id: 'security-posture' });
