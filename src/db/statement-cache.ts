import type { Database, Statement } from "better-sqlite3";

const MAX_STATEMENTS = 1_000;

/** The part of a prepared statement Prisma's better-sqlite3 adapter uses, once bound. */
interface BoundStatement {
  readonly reader: boolean;
  run(): unknown;
  columns(): ReturnType<Statement["columns"]>;
  raw(): { all(): unknown[][] };
}

/**
 * Prisma's adapter prepares every statement afresh (`prepare(sql).bind(args)`), and SQLite
 * compiles the SQL each time: a tenth of the bot's CPU under load (bench/README.md). With
 * cached plans (plan-cache.ts) the same SQL comes back again and again, so this keeps the
 * prepared statements by their SQL and binds the arguments on each call. Statements run to
 * completion one at a time on this connection (`run`, `all`), so sharing one is safe.
 */
export function withStatementCache(client: Database): void {
  const prepare = client.prepare.bind(client) as (sql: string) => Statement;
  const cache = new Map<string, Statement>();
  // A prepared statement's columns do not change: read them once (the adapter asks every time).
  const columns = new WeakMap<Statement, ReturnType<Statement["columns"]>>();
  const columnsOf = (stmt: Statement) => {
    let cols = columns.get(stmt);
    if (!cols) columns.set(stmt, (cols = stmt.columns()));
    return cols;
  };
  const cached = (sql: string): Statement => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = prepare(sql);
      if (stmt.reader) stmt.raw(true);
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
    }
    return stmt;
  };
  (client as unknown as { prepare: (sql: string) => unknown }).prepare = (sql: string) => {
    const stmt = cached(sql);
    return {
      reader: stmt.reader,
      run: () => stmt.run(), // BEGIN
      bind: (args: unknown[]): BoundStatement => ({
        reader: stmt.reader,
        run: () => stmt.run(args),
        columns: () => columnsOf(stmt),
        raw: () => ({ all: () => stmt.all(args) as unknown[][] }),
      }),
    };
  };
}
