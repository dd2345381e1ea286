-- CreateTable
CREATE TABLE "StudyEntry" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "seqNo" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "studiedOn" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "tenths" INTEGER NOT NULL,
    "note" TEXT,
    "cardKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "withdrawnAt" TIMESTAMP(3),

    CONSTRAINT "StudyEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StudyReminderOptIn" (
    "memberId" INTEGER NOT NULL,
    "orgId" INTEGER NOT NULL,
    "optedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StudyReminderOptIn_pkey" PRIMARY KEY ("memberId")
);

-- CreateIndex
CREATE UNIQUE INDEX "StudyEntry_cardKey_key" ON "StudyEntry"("cardKey");

-- CreateIndex
CREATE INDEX "StudyEntry_orgId_year_idx" ON "StudyEntry"("orgId", "year");

-- CreateIndex
CREATE UNIQUE INDEX "StudyEntry_memberId_seqNo_key" ON "StudyEntry"("memberId", "seqNo");

-- CreateIndex
CREATE INDEX "StudyReminderOptIn_orgId_idx" ON "StudyReminderOptIn"("orgId");

