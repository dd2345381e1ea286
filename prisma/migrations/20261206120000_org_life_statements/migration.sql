-- AlterTable
ALTER TABLE "OrgLifeSession" ADD COLUMN "commitmentsOpenedAt" DATETIME;
ALTER TABLE "OrgLifeSession" ADD COLUMN "materialsOpenedAt" DATETIME;
ALTER TABLE "OrgLifeSession" ADD COLUMN "reportedAt" DATETIME;

-- CreateTable
CREATE TABLE "OrgLifeStatement" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sessionId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "submittedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "OrgLifeStatement_sessionId_memberId_kind_key" ON "OrgLifeStatement"("sessionId", "memberId", "kind");

