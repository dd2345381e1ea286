-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "dedupeKey" TEXT NOT NULL,
    "eventId" TEXT,
    "eventType" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    "lockedBy" TEXT,
    "response" TEXT,
    "lastError" TEXT,
    "receivedAt" DATETIME NOT NULL,
    "processedAt" DATETIME
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "uuid" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "receiveIdType" TEXT,
    "replyTo" TEXT,
    "cardRef" TEXT,
    "msgType" TEXT,
    "content" TEXT NOT NULL,
    "orgId" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lockedUntil" DATETIME,
    "lockedBy" TEXT,
    "lastError" TEXT,
    "failReason" TEXT,
    "sentMessageId" TEXT,
    "createdAt" DATETIME NOT NULL,
    "sentAt" DATETIME
);

-- CreateTable
CREATE TABLE "SentCard" (
    "cardRef" TEXT NOT NULL PRIMARY KEY,
    "messageId" TEXT NOT NULL,
    "chatId" TEXT,
    "sentAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Job" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "runAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    "lockedBy" TEXT,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL,
    "doneAt" DATETIME
);

-- CreateTable
CREATE TABLE "Chat" (
    "chatId" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "botPresent" BOOLEAN NOT NULL DEFAULT true,
    "addedBy" TEXT,
    "addedAt" DATETIME NOT NULL,
    "removedAt" DATETIME
);

-- CreateTable
CREATE TABLE "PartyOrg" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT,
    "chatId" TEXT NOT NULL,
    "parentId" INTEGER,
    "timezone" TEXT NOT NULL,
    "boundBy" TEXT NOT NULL,
    "boundAt" DATETIME NOT NULL,
    "linkCode" TEXT,
    "nextMeetingNo" INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT "PartyOrg_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "Chat" ("chatId") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "PartyOrg_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "PartyOrg" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Member" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "openId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "memberClass" TEXT NOT NULL DEFAULT 'full',
    "post" TEXT,
    "committeeDuty" TEXT,
    "partyGroupId" INTEGER,
    "probationStart" DATETIME,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "joinedAt" DATETIME NOT NULL,
    "leftAt" DATETIME,
    CONSTRAINT "Member_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Member_partyGroupId_fkey" FOREIGN KEY ("partyGroupId") REFERENCES "PartyGroup" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PartyGroup" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "leaderId" INTEGER,
    CONSTRAINT "PartyGroup_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "PartyGroup_leaderId_fkey" FOREIGN KEY ("leaderId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RectificationItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "seqNo" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "sourceRef" TEXT,
    "scope" TEXT NOT NULL,
    "problem" TEXT NOT NULL,
    "measures" TEXT,
    "category" TEXT,
    "ownerId" INTEGER,
    "verifierId" INTEGER,
    "dueOn" TEXT,
    "longTerm" BOOLEAN NOT NULL DEFAULT false,
    "dueRev" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "disclosure" TEXT NOT NULL DEFAULT 'private',
    "overdueSince" DATETIME,
    "secretaryNotifiedAt" DATETIME,
    "buzzedAt" DATETIME,
    "submittedAt" DATETIME,
    "closedAt" DATETIME,
    "closedBy" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "RectificationItem_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "RectificationItem_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "RectificationItem_verifierId_fkey" FOREIGN KEY ("verifierId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RectificationEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "itemId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "actorOpenId" TEXT,
    "actorName" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT,
    "comment" TEXT,
    CONSTRAINT "RectificationEvent_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "RectificationItem" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RectificationEvidence" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "itemId" INTEGER,
    "kind" TEXT NOT NULL,
    "content" TEXT,
    "fileKey" TEXT,
    "imageKey" TEXT,
    "fileName" TEXT,
    "messageId" TEXT,
    "uploadedBy" TEXT NOT NULL,
    "uploaderName" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "RectificationEvidence_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "RectificationItem" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RectificationSettings" (
    "orgId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "reminderDays" TEXT NOT NULL DEFAULT '7,3,1',
    "buzzAfterDays" INTEGER NOT NULL DEFAULT 3,
    "nextItemNo" INTEGER NOT NULL DEFAULT 1,
    "nextSpotCheckNo" INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT "RectificationSettings_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SpotCheck" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "committeeId" INTEGER NOT NULL,
    "seqNo" INTEGER NOT NULL,
    "ratioPct" INTEGER NOT NULL,
    "periodLabel" TEXT NOT NULL,
    "periodStart" DATETIME NOT NULL,
    "periodEnd" DATETIME NOT NULL,
    "seed" TEXT NOT NULL,
    "frame" TEXT NOT NULL,
    "drawnAt" DATETIME NOT NULL,
    "drawnBy" TEXT NOT NULL,
    CONSTRAINT "SpotCheck_committeeId_fkey" FOREIGN KEY ("committeeId") REFERENCES "PartyOrg" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SpotCheckBranch" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "spotCheckId" INTEGER NOT NULL,
    "orgId" INTEGER NOT NULL,
    "drawOrder" INTEGER NOT NULL,
    "finding" TEXT,
    "findingOk" BOOLEAN,
    "findingItemId" INTEGER,
    "findingBy" TEXT,
    "findingAt" DATETIME,
    CONSTRAINT "SpotCheckBranch_spotCheckId_fkey" FOREIGN KEY ("spotCheckId") REFERENCES "SpotCheck" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SpotCheckItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "spotCheckId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "drawOrder" INTEGER NOT NULL,
    "verdict" TEXT,
    "verdictBy" TEXT,
    "verdictAt" DATETIME,
    "reopened" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "SpotCheckItem_spotCheckId_fkey" FOREIGN KEY ("spotCheckId") REFERENCES "SpotCheck" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "SpotCheckItem_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "RectificationItem" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_dedupeKey_key" ON "InboundEvent"("dedupeKey");

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_eventId_key" ON "InboundEvent"("eventId");

-- CreateIndex
CREATE INDEX "InboundEvent_status_receivedAt_idx" ON "InboundEvent"("status", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_uuid_key" ON "OutboxMessage"("uuid");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_target_status_id_idx" ON "OutboxMessage"("target", "status", "id");

-- CreateIndex
CREATE INDEX "OutboxMessage_cardRef_idx" ON "OutboxMessage"("cardRef");

-- CreateIndex
CREATE UNIQUE INDEX "Job_key_key" ON "Job"("key");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE UNIQUE INDEX "PartyOrg_chatId_key" ON "PartyOrg"("chatId");

-- CreateIndex
CREATE UNIQUE INDEX "PartyOrg_linkCode_key" ON "PartyOrg"("linkCode");

-- CreateIndex
CREATE INDEX "Member_openId_idx" ON "Member"("openId");

-- CreateIndex
CREATE UNIQUE INDEX "Member_orgId_openId_key" ON "Member"("orgId", "openId");

-- CreateIndex
CREATE UNIQUE INDEX "PartyGroup_orgId_name_key" ON "PartyGroup"("orgId", "name");

-- CreateIndex
CREATE INDEX "RectificationItem_ownerId_status_idx" ON "RectificationItem"("ownerId", "status");

-- CreateIndex
CREATE INDEX "RectificationItem_orgId_status_idx" ON "RectificationItem"("orgId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "RectificationItem_orgId_seqNo_key" ON "RectificationItem"("orgId", "seqNo");

-- CreateIndex
CREATE INDEX "RectificationEvent_itemId_id_idx" ON "RectificationEvent"("itemId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "RectificationEvidence_messageId_key" ON "RectificationEvidence"("messageId");

-- CreateIndex
CREATE INDEX "RectificationEvidence_itemId_idx" ON "RectificationEvidence"("itemId");

-- CreateIndex
CREATE INDEX "RectificationEvidence_uploadedBy_itemId_idx" ON "RectificationEvidence"("uploadedBy", "itemId");

-- CreateIndex
CREATE UNIQUE INDEX "SpotCheck_committeeId_seqNo_key" ON "SpotCheck"("committeeId", "seqNo");

-- CreateIndex
CREATE UNIQUE INDEX "SpotCheckBranch_spotCheckId_orgId_key" ON "SpotCheckBranch"("spotCheckId", "orgId");

-- CreateIndex
CREATE UNIQUE INDEX "SpotCheckItem_spotCheckId_itemId_key" ON "SpotCheckItem"("spotCheckId", "itemId");

