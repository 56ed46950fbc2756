import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';

/**
 * Calls the plugin's own REST API on behalf of an action's caller: the answer
 * and the permission checks are exactly those of the routes, because they are
 * the routes.
 */
export class PostureApiClient {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      pluginId?: string;
    },
  ) {}

  /** GETs a path under the plugin's base URL with the caller's identity. */
  async get<T>(
    path: string,
    credentials: BackstageCredentials,
    query: Record<string, string | number | undefined> = {},
  ): Promise<T> {
    const pluginId = this.options.pluginId ?? 'security-posture';
    const [baseUrl, { token }] = await Promise.all([
      this.options.discovery.getBaseUrl(pluginId),
      this.options.auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: pluginId,
      }),
    ]);
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== '') search.set(k, String(v));
    }
    const qs = search.toString();
    const response = await fetch(`${baseUrl}${path}${qs ? `?${qs}` : ''}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      const error = await ResponseError.fromResponse(response);
      const message = error.cause?.message || error.message;
      switch (response.status) {
        case 400:
          throw new InputError(message);
        case 401:
          throw new AuthenticationError(message);
        case 403:
          throw new NotAllowedError(message);
        case 404:
          throw new NotFoundError(message);
        default:
          throw error;
      }
    }
    return (await response.json()) as T;
  }
}
