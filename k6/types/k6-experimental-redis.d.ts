/**
 * Types of k6's built-in `k6/experimental/redis` module (k6 1.x), which @types/k6 2.x does not
 * ship: only the calls capbench's exported scripts make (`capbench export k6 --via redis`).
 * Add this file to the tsconfig that type-checks an exported script.
 */
declare module 'k6/experimental/redis' {
  /** A Redis client; every command returns a promise of the reply. */
  export class Client {
    /** @param url redis://[user:password@]host:port[/db] */
    constructor(url: string);
    incr(key: string): Promise<number>;
    get(key: string): Promise<string>;
    hincrby(key: string, field: string, increment: number): Promise<number>;
    hget(key: string, field: string): Promise<string>;
  }
  const redis: { Client: typeof Client };
  export default redis;
}
