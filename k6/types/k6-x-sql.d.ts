/**
 * Types of the xk6-sql modules (github.com/grafana/xk6-sql v1.0.0: `k6/x/sql`, and
 * `k6/x/sql/driver/postgres` registered by the k6-sql build, targets/k6/sql.ts), which
 * @types/k6 does not ship: only the calls capbench's exported scripts make
 * (`capbench export k6 --via sql`). Add this file to the tsconfig that type-checks such a script.
 */
declare module 'k6/x/sql' {
  /** One row: column name to value (numbers as numbers, BIGINT and text as strings or numbers as the driver gives them). */
  export type Row = Record<string, unknown>;
  /** What exec() did. */
  export interface Result {
    rowsAffected(): number;
  }
  /** A connection pool (Go database/sql); every call blocks the VU until the database answers. */
  export interface Database {
    /** Run a statement that returns rows ($1, $2, ... bound to args). @throws on a database error. */
    query(query: string, ...args: unknown[]): Row[];
    /** Run a statement without rows. @throws on a database error. */
    exec(query: string, ...args: unknown[]): Result;
    close(): void;
  }
  /** Open a database with a driver module's default export and its connection string. */
  export function open(driver: symbol, dataSourceName: string): Database;
  const sql: { open: typeof open };
  export default sql;
}

declare module 'k6/x/sql/driver/postgres' {
  /** The driver id (lib/pq): a postgres:// URL, e.g. postgres://user:pw@127.0.0.1:5432/db?sslmode=disable. */
  const driver: symbol;
  export default driver;
}
