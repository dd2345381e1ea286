-- AlterTable
ALTER TABLE "OrgLifeSession" ADD COLUMN     "commitmentsOpenedAt" TIMESTAMP(3),
ADD COLUMN     "materialsOpenedAt" TIMESTAMP(3),
ADD COLUMN     "reportedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "OrgLifeStatement" (
    "id" SERIAL NOT NULL,
    "sessionId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrgLifeStatement_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OrgLifeStatement_sessionId_memberId_kind_key" ON "OrgLifeStatement"("sessionId", "memberId", "kind");

