-- CreateTable
CREATE TABLE "ThemeSuggestion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "theme" TEXT NOT NULL,
    "addedBy" TEXT NOT NULL,
    "addedAt" DATETIME NOT NULL,
    "usedMeetingId" INTEGER
);

-- CreateIndex
CREATE INDEX "ThemeSuggestion_orgId_idx" ON "ThemeSuggestion"("orgId");

