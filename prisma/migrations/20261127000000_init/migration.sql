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
    "committeeTermStart" DATETIME,
    "secretaryTenure" TEXT,
    "secretaryIsUnitHead" BOOLEAN,
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
CREATE TABLE "DigestSettings" (
    "orgId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "weekday" INTEGER NOT NULL DEFAULT 1,
    "hour" INTEGER NOT NULL DEFAULT 9,
    "minute" INTEGER NOT NULL DEFAULT 0,
    "muted" BOOLEAN NOT NULL DEFAULT false,
    "updatedBy" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DigestSettings_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Digest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "periodKey" TEXT NOT NULL,
    "scheduledFor" DATETIME NOT NULL,
    "secretaryNote" TEXT,
    "noteBy" TEXT,
    "status" TEXT NOT NULL DEFAULT 'invited',
    "late" BOOLEAN NOT NULL DEFAULT false,
    "sentAt" DATETIME,
    CONSTRAINT "Digest_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EarlyWarning" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "ruleId" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "openKey" TEXT,
    "severity" TEXT NOT NULL DEFAULT 'notice',
    "message" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "raisedAt" DATETIME NOT NULL,
    "clearedAt" DATETIME,
    CONSTRAINT "EarlyWarning_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AppraisalRound" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "rules" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "deadline" DATETIME NOT NULL,
    "secret" TEXT,
    "openedBy" INTEGER NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "closedAt" DATETIME,
    "publishedAt" DATETIME,
    "publishedBy" INTEGER
);

-- CreateTable
CREATE TABLE "AppraisalParticipant" (
    "roundId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "voter" BOOLEAN NOT NULL,
    "selfDone" BOOLEAN NOT NULL DEFAULT false,
    "peerPagesDone" TEXT NOT NULL DEFAULT '',
    "peerDone" BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY ("roundId", "memberId")
);

-- CreateTable
CREATE TABLE "AppraisalSelfAssessment" (
    "roundId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "summary" TEXT NOT NULL,
    "grade" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("roundId", "memberId")
);

-- CreateTable
CREATE TABLE "AppraisalPeerRating" (
    "roundId" INTEGER NOT NULL,
    "ballotToken" TEXT NOT NULL,
    "targetMemberId" INTEGER NOT NULL,
    "grade" TEXT NOT NULL,
    "comment" TEXT,

    PRIMARY KEY ("roundId", "ballotToken")
);

-- CreateTable
CREATE TABLE "AppraisalScoreItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "itemCode" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "evidence" TEXT NOT NULL,
    "recordedBy" INTEGER NOT NULL,
    "recordedAt" DATETIME NOT NULL,
    "withdrawnBy" INTEGER,
    "withdrawnAt" DATETIME
);

-- CreateTable
CREATE TABLE "AppraisalResult" (
    "roundId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "raterCount" INTEGER NOT NULL,
    "peerCounts" TEXT,
    "score" INTEGER NOT NULL,
    "stars" INTEGER NOT NULL,
    "vetoes" TEXT NOT NULL,
    "proposedGrade" TEXT NOT NULL,
    "proposalReason" TEXT NOT NULL,
    "finalGrade" TEXT,
    "decisionReason" TEXT,
    "decidedBy" INTEGER,
    "decidedAt" DATETIME,
    "rectificationItemId" INTEGER,

    PRIMARY KEY ("roundId", "memberId")
);

-- CreateTable
CREATE TABLE "AppraisalDisposition" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "roundId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "note" TEXT,
    "recordedBy" INTEGER NOT NULL,
    "recordedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "OrgLifeSession" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "meetingNo" INTEGER,
    "opinionsOpenedAt" DATETIME,
    "talksPlannedAt" DATETIME
);

-- CreateTable
CREATE TABLE "OrgLifeOpinion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" INTEGER NOT NULL,
    "about" TEXT NOT NULL,
    "text" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "HeartTalk" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sessionId" INTEGER NOT NULL,
    "aMemberId" INTEGER NOT NULL,
    "bMemberId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "doneAt" DATETIME,
    "markedBy" INTEGER
);

-- CreateTable
CREATE TABLE "OrgLifeProblem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sessionId" INTEGER NOT NULL,
    "scope" TEXT NOT NULL,
    "problem" TEXT NOT NULL,
    "measure" TEXT NOT NULL,
    "ownerMemberId" INTEGER NOT NULL,
    "dueOn" TEXT,
    "longTerm" BOOLEAN NOT NULL DEFAULT false,
    "rectificationItemId" INTEGER,
    "createdBy" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Meeting" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "seqNo" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "startAt" DATETIME NOT NULL,
    "endAt" DATETIME NOT NULL,
    "previousStartAt" DATETIME,
    "place" TEXT,
    "topic" TEXT,
    "chairId" INTEGER,
    "recorderId" INTEGER,
    "lecturerId" INTEGER,
    "partyGroupId" INTEGER,
    "cancelReason" TEXT,
    "cancelledAt" DATETIME,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "heldAt" DATETIME,
    "entitledCount" INTEGER,
    "presentVoting" INTEGER,
    "quorumMet" BOOLEAN,
    "calendarEventId" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Meeting_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Meeting_chairId_fkey" FOREIGN KEY ("chairId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Meeting_recorderId_fkey" FOREIGN KEY ("recorderId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Meeting_lecturerId_fkey" FOREIGN KEY ("lecturerId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Meeting_partyGroupId_fkey" FOREIGN KEY ("partyGroupId") REFERENCES "PartyGroup" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MeetingAttendance" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "meetingId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "expected" BOOLEAN NOT NULL DEFAULT true,
    "rsvp" TEXT,
    "rsvpAt" DATETIME,
    "leaveReason" TEXT,
    "signedInAt" DATETIME,
    "final" TEXT,
    "memberClass" TEXT,
    "makeupRequired" BOOLEAN NOT NULL DEFAULT false,
    "makeupDoneAt" DATETIME,
    "correctedBy" TEXT,
    CONSTRAINT "MeetingAttendance_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "MeetingAttendance_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QuorumExclusion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "memberId" INTEGER NOT NULL,
    "ground" TEXT NOT NULL,
    "note" TEXT,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" DATETIME NOT NULL,
    "revokedBy" TEXT,
    "revokedAt" DATETIME,
    CONSTRAINT "QuorumExclusion_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MeetingRules" (
    "orgId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "frequencies" TEXT NOT NULL DEFAULT '{}',
    "themeDay" INTEGER,
    "reminderOffsets" TEXT NOT NULL DEFAULT '[1440,60]',
    "updatedBy" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "MeetingRules_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Minutes" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "meetingId" INTEGER NOT NULL,
    "orgId" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "version" INTEGER NOT NULL DEFAULT 0,
    "submittedBy" TEXT,
    "submittedAt" DATETIME,
    "confirmedBy" TEXT,
    "confirmedAt" DATETIME,
    "confirmedVersion" INTEGER,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Minutes_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MinutesVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "minutesId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "authorOpenId" TEXT NOT NULL,
    "authorName" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "MinutesVersion_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MinutesDraft" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "meetingId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "baseVersion" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "MinutesDraft_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "MinutesDraft_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Resolution" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "minutesId" INTEGER NOT NULL,
    "orgId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "votesFor" INTEGER,
    "votesAgainst" INTEGER,
    "votesAbstain" INTEGER,
    "passed" BOOLEAN,
    "passNote" TEXT,
    CONSTRAINT "Resolution_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FollowUpAction" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "minutesId" INTEGER NOT NULL,
    "orgId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "dueOn" TEXT NOT NULL,
    "rectificationItemId" INTEGER,
    CONSTRAINT "FollowUpAction_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "FollowUpAction_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
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
CREATE UNIQUE INDEX "Digest_orgId_kind_periodKey_key" ON "Digest"("orgId", "kind", "periodKey");

-- CreateIndex
CREATE UNIQUE INDEX "EarlyWarning_openKey_key" ON "EarlyWarning"("openKey");

-- CreateIndex
CREATE INDEX "EarlyWarning_orgId_clearedAt_idx" ON "EarlyWarning"("orgId", "clearedAt");

-- CreateIndex
CREATE INDEX "AppraisalRound_orgId_status_idx" ON "AppraisalRound"("orgId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "AppraisalRound_orgId_name_key" ON "AppraisalRound"("orgId", "name");

-- CreateIndex
CREATE INDEX "AppraisalPeerRating_roundId_targetMemberId_idx" ON "AppraisalPeerRating"("roundId", "targetMemberId");

-- CreateIndex
CREATE INDEX "AppraisalScoreItem_orgId_year_memberId_idx" ON "AppraisalScoreItem"("orgId", "year", "memberId");

-- CreateIndex
CREATE INDEX "AppraisalDisposition_roundId_memberId_idx" ON "AppraisalDisposition"("roundId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "OrgLifeSession_orgId_year_key" ON "OrgLifeSession"("orgId", "year");

-- CreateIndex
CREATE INDEX "OrgLifeOpinion_sessionId_idx" ON "OrgLifeOpinion"("sessionId");

-- CreateIndex
CREATE UNIQUE INDEX "HeartTalk_sessionId_aMemberId_bMemberId_key" ON "HeartTalk"("sessionId", "aMemberId", "bMemberId");

-- CreateIndex
CREATE INDEX "OrgLifeProblem_sessionId_idx" ON "OrgLifeProblem"("sessionId");

-- CreateIndex
CREATE INDEX "Meeting_orgId_startAt_idx" ON "Meeting"("orgId", "startAt");

-- CreateIndex
CREATE INDEX "Meeting_status_startAt_idx" ON "Meeting"("status", "startAt");

-- CreateIndex
CREATE UNIQUE INDEX "Meeting_orgId_seqNo_key" ON "Meeting"("orgId", "seqNo");

-- CreateIndex
CREATE INDEX "MeetingAttendance_memberId_idx" ON "MeetingAttendance"("memberId");

-- CreateIndex
CREATE UNIQUE INDEX "MeetingAttendance_meetingId_memberId_key" ON "MeetingAttendance"("meetingId", "memberId");

-- CreateIndex
CREATE INDEX "QuorumExclusion_memberId_revokedAt_idx" ON "QuorumExclusion"("memberId", "revokedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Minutes_meetingId_key" ON "Minutes"("meetingId");

-- CreateIndex
CREATE INDEX "Minutes_orgId_status_idx" ON "Minutes"("orgId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "MinutesVersion_minutesId_version_key" ON "MinutesVersion"("minutesId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "MinutesDraft_meetingId_memberId_key" ON "MinutesDraft"("meetingId", "memberId");

-- CreateIndex
CREATE INDEX "Resolution_minutesId_idx" ON "Resolution"("minutesId");

-- CreateIndex
CREATE INDEX "Resolution_orgId_idx" ON "Resolution"("orgId");

-- CreateIndex
CREATE INDEX "FollowUpAction_minutesId_idx" ON "FollowUpAction"("minutesId");

-- CreateIndex
CREATE INDEX "FollowUpAction_orgId_dueOn_idx" ON "FollowUpAction"("orgId", "dueOn");

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

