/**
 * capbench's own HTTP client of the reference service (undici Pool: keep-alive connections,
 * no pipelining), shaped as the families' contracts so a scenario's workload drives the same
 * operations over HTTP (`capbench run <scenario> --via http`) as at driver level.
 *
 * A non-2xx answer rejects with an HttpStatusError whose `code` is "HTTP_<status>" (so the
 * engine counts errors by status: HTTP_503, HTTP_404, ...); a network failure rejects with
 * undici's error (code ECONNREFUSED, UND_ERR_SOCKET, ...). Every request carries the operation
 * name in x-capbench-op, so the service keys its driver-level timings by it.
 */
import { Pool } from 'undici';
import type { LikeCounter } from '../reference-impl/likes/types.js';
import type { FollowCounts, FollowGraph, PageOptions, UserPage } from '../reference-impl/follows/types.js';
import type { Feed, FeedEntry } from '../reference-impl/feed/types.js';
import type { UserProfile, UserStats, UserStore } from '../reference-impl/users/types.js';
import type { PostSearch, SearchResult } from '../reference-impl/search/types.js';

/** Where the service is and how the client connects. */
export interface HttpVia {
  kind: 'http';
  /** Base URL of the service, e.g. "http://127.0.0.1:18080". */
  url: string;
  /** Most keep-alive connections per worker thread (default 64). */
  connections?: number;
}

/** A non-2xx answer of the service. */
export class HttpStatusError extends Error {
  readonly code: string;
  constructor(readonly status: number, readonly body: string) {
    super(`HTTP ${status}: ${body.slice(0, 200)}`);
    this.name = 'HttpStatusError';
    this.code = `HTTP_${status}`;
  }
}

/** A keep-alive client of one service. close() ends its connections. */
export class ServiceClient {
  private readonly pool: Pool;
  constructor(via: HttpVia) {
    this.pool = new Pool(via.url, { connections: via.connections ?? 64, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  /**
   * Send one request and parse the JSON answer.
   * @throws HttpStatusError for a non-2xx status; undici's error on a network failure.
   */
  async request<T>(op: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.pool.request({
      method,
      path,
      headers: body === undefined ? { 'x-capbench-op': op } : { 'x-capbench-op': op, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) throw new HttpStatusError(res.statusCode, text);
    return JSON.parse(text) as T;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The hot-path operations of a likes path, over HTTP (LikeCounter's like and count). */
export type LikeOps = Pick<LikeCounter, 'path' | 'like' | 'count'>;

/** likes over HTTP: POST/GET /v1/paths/<path>/posts/<id>/likes (service/routes/likes.ts). */
export function likesOverHttp(client: ServiceClient, pathId: string): LikeOps {
  const base = `/v1/paths/${pathId}/posts/`;
  return {
    path: pathId,
    like: (postId) => client.request<{ count: number }>('like', 'POST', `${base}${postId}/likes`).then((r) => r.count),
    count: (postId) => client.request<{ count: number }>('read', 'GET', `${base}${postId}/likes`).then((r) => r.count),
  };
}

/** The operations of a follows path a workload runs, over HTTP. */
export type FollowOps = Pick<FollowGraph, 'path' | 'follow' | 'unfollow' | 'isFollowing' | 'followers' | 'following' | 'mutuals' | 'counts'>;

function pageQuery(p: PageOptions = {}): string {
  const q = [p.limit !== undefined ? `limit=${p.limit}` : '', p.after !== undefined ? `after=${p.after}` : ''].filter(Boolean).join('&');
  return q ? `?${q}` : '';
}

/** follows over HTTP (service/routes/follows.ts). */
export function followsOverHttp(client: ServiceClient, pathId: string): FollowOps {
  const base = `/v1/paths/${pathId}`;
  const page = (op: string, url: string) => client.request<{ ids: number[]; next?: number }>(op, 'GET', url).then((r): UserPage => ({ ids: r.ids, next: r.next }));
  return {
    path: pathId,
    follow: (follower, followee) => client.request<{ created: boolean }>('follow', 'POST', `${base}/follows`, { follower, followee }).then((r) => r.created),
    unfollow: (follower, followee) => client.request<{ removed: boolean }>('unfollow', 'POST', `${base}/unfollows`, { follower, followee }).then((r) => r.removed),
    isFollowing: (follower, followee) => client.request<{ following: boolean }>('isFollowing', 'GET', `${base}/users/${follower}/following/${followee}`).then((r) => r.following),
    followers: (userId, p) => page('followers', `${base}/users/${userId}/followers${pageQuery(p)}`),
    following: (userId, p) => page('following', `${base}/users/${userId}/following${pageQuery(p)}`),
    mutuals: (a, b, p) => page('mutuals', `${base}/users/${a}/mutuals/${b}${pageQuery(p)}`),
    counts: (userId) => client.request<FollowCounts>('counts', 'GET', `${base}/users/${userId}/counts`),
  };
}

/** The operations of a feed path the fan-out workload runs, over HTTP (service/routes/feed.ts). */
export type FeedOps = Pick<Feed, 'path' | 'post' | 'home' | 'userPosts'>;

/**
 * A feed path over HTTP. `ops` names the requests (x-capbench-op) so the service keys its
 * driver-level timings by the scenario's operation (fan-out: "write.post", ...); default the
 * method names.
 */
export function feedOverHttp(client: ServiceClient, pathId: string, ops: { post?: string; home?: string; userPosts?: string } = {}): FeedOps {
  const base = `/v1/paths/${pathId}`;
  return {
    path: pathId,
    post: (p, o) => client.request<{ stored: boolean }>(ops.post ?? 'post', 'POST', `${base}/posts`, { postId: p.postId, authorId: p.authorId, createdAt: p.createdAt, ...(o?.track ? { track: true } : {}) }).then(() => undefined),
    home: (userId, limit) => client.request<{ entries: FeedEntry[] }>(ops.home ?? 'home', 'GET', `${base}/users/${userId}/home${limit === undefined ? '' : `?limit=${limit}`}`).then((r) => r.entries),
    userPosts: (authorId, limit) => client.request<{ entries: FeedEntry[] }>(ops.userPosts ?? 'userPosts', 'GET', `${base}/users/${authorId}/posts${limit === undefined ? '' : `?limit=${limit}`}`).then((r) => r.entries),
  };
}

/** The read and counter operations of a users path, over HTTP (service/routes/users.ts). */
export type UserOps = Pick<UserStore, 'path' | 'profile' | 'bump'>;

/** A users path over HTTP: a 404 answer is `undefined` (unknown user), as at driver level. `ops` names the requests. */
export function usersOverHttp(client: ServiceClient, pathId: string, ops: { profile?: string; bump?: string } = {}): UserOps {
  const base = `/v1/paths/${pathId}/users/`;
  const orUndefined = <T>(p: Promise<T>) => p.catch((e: unknown) => (e instanceof HttpStatusError && e.status === 404 ? undefined : Promise.reject(e)));
  return {
    path: pathId,
    profile: (userId) => orUndefined(client.request<UserProfile>(ops.profile ?? 'profile', 'GET', `${base}${userId}`)),
    bump: (userId, delta) => orUndefined(client.request<UserStats>(ops.bump ?? 'bump', 'POST', `${base}${userId}/stats`, delta)),
  };
}

/** The read/write operations of a search path, over HTTP (service/routes/search.ts). */
export type SearchOps = Pick<PostSearch, 'path' | 'search' | 'indexPosts'>;

/**
 * A search path over HTTP. search() names each request by its query kind ("match", ...),
 * indexPosts() sends one POST per post, named "index" (the route takes one post: the service's
 * body limit); the outcome's server figures (took, bytes) are not known over HTTP and are 0.
 */
export function searchOverHttp(client: ServiceClient, pathId: string): SearchOps {
  const base = `/v1/paths/${pathId}`;
  return {
    path: pathId,
    search(q) {
      const qs = new URLSearchParams({ kind: q.kind });
      if (q.kind === 'author') qs.set('author', q.author);
      else qs.set('q', q.text);
      if (q.kind === 'recent') qs.set('since', String(q.sinceS));
      if (q.size !== undefined) qs.set('size', String(q.size));
      return client.request<SearchResult>(q.kind, 'GET', `${base}/search?${qs.toString()}`);
    },
    async indexPosts(posts) {
      const t0 = performance.now();
      let indexed = 0;
      let rejected429 = 0;
      for (const p of posts) {
        const r = await client.request<{ indexed: number; rejected429: number }>('index', 'POST', `${base}/posts`, p);
        indexed += r.indexed;
        rejected429 += r.rejected429;
      }
      return { indexed, rejected429, elapsedMs: performance.now() - t0, serverTookMs: 0, bytes: 0 };
    },
  };
}
