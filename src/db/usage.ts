import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "./client.ts";

/** One counted Open Platform call: which month (YYYY-MM, the tenant's time zone), organisation, endpoint and cause. */
export interface ApiCallKey {
  month: string;
  orgId: number;
  endpoint: string;
  cause: string;
}

/**
 * Adds one call in a single upsert, so instances sharing a database count together without
 * a read-modify-write race (the same statement on SQLite and PostgreSQL).
 */
export async function countApiCall(db: Db, key: ApiCallKey): Promise<void> {
  await db.$executeRaw(Prisma.sql`
    INSERT INTO "ApiCallCount" ("month", "orgId", "endpoint", "cause", "calls")
    VALUES (${key.month}, ${key.orgId}, ${key.endpoint}, ${key.cause}, 1)
    ON CONFLICT ("month", "orgId", "endpoint", "cause") DO UPDATE SET "calls" = "ApiCallCount"."calls" + 1`);
}
