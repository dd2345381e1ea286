-- CreateTable
CREATE TABLE "ThemeSuggestion" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "theme" TEXT NOT NULL,
    "addedBy" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL,
    "usedMeetingId" INTEGER,

    CONSTRAINT "ThemeSuggestion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ThemeSuggestion_orgId_idx" ON "ThemeSuggestion"("orgId");

