-- Open Platform calls per month, organisation, endpoint and cause (issue #22: a free tenant's monthly budget).
-- CreateTable
CREATE TABLE "ApiCallCount" (
    "month" TEXT NOT NULL,
    "orgId" INTEGER NOT NULL DEFAULT 0,
    "endpoint" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ApiCallCount_pkey" PRIMARY KEY ("month","orgId","endpoint","cause")
);

