/**
 * The seam between the reference service and a path family: one route module per family
 * (service/routes/<family>.ts), registered in one place (service/routes/index.ts). The server
 * opens each served storage path from reference-impl/registry.ts and hands it to its
 * family's module, which adds that path's routes under /v1/paths/<path id>/.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PathFamilies, PathFamily } from '../../reference-impl/registry.js';

/** What a family's routes get for one served path. */
export interface RouteContext {
  app: FastifyInstance;
  /** Storage path id, e.g. "likes.redis-counter". */
  pathId: string;
  /** URL prefix of the path's routes: "/v1/paths/<path id>". */
  base: string;
  /**
   * Run the storage path's call for this request: timed (driver-level service time, recorded
   * per operation for the HTTP-overhead table and /metrics), bounded by the store timeout,
   * and with its errors turned into the JSON answer (400/404/503 naming the store/500).
   */
  call<T>(req: FastifyRequest, f: () => Promise<T>): Promise<T>;
}

/** How one HTTP request of an operation looks, for clients and the k6 export. */
export interface HttpOperation {
  /** Operation name as scenarios use it ("like", "follow", ...). */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** URL under the path's base, with {param} placeholders, e.g. "/posts/{postId}/likes". */
  url: string;
  /** JSON body template with {param} placeholders as numbers, or undefined for none. */
  body?: Record<string, string>;
}

/** The route module of one family. */
export interface FamilyRoutes<F extends PathFamily = PathFamily> {
  family: F;
  /** The family's operations as HTTP requests (documented in docs/http.md, used by the k6 export). */
  operations: readonly HttpOperation[];
  /** Add the routes of one opened path. */
  register(ctx: RouteContext, impl: PathFamilies[F]['impl']): void;
}

/** JSON schema of a non-negative safe-integer id (post id, user id) in a URL or a body. */
export const ID_SCHEMA = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/** JSON schema of the error answer every route shares (service/errors.ts ErrorBody). */
export const ERROR_SCHEMA = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' }, store: { type: 'string' } },
  required: ['error', 'message'],
} as const;
