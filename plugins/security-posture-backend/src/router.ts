import express from 'express';
import Router from 'express-promise-router';

/**
 * The plugin's REST API, mounted at `/api/security-posture`.
 * `/health` is the only route that does not need credentials.
 */
export async function createRouter(): Promise<express.Router> {
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  return router;
}
