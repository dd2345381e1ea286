-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" SERIAL NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "eventId" TEXT,
    "eventType" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "response" TEXT,
    "lastError" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" SERIAL NOT NULL,
    "uuid" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "receiveIdType" TEXT,
    "replyTo" TEXT,
    "cardRef" TEXT,
    "msgType" TEXT,
    "content" TEXT NOT NULL,
    "erasable" BOOLEAN NOT NULL DEFAULT false,
    "orgId" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "firstTriedAt" TIMESTAMP(3),
    "outcomeUnknown" BOOLEAN NOT NULL DEFAULT false,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "lockedUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "lastError" TEXT,
    "failReason" TEXT,
    "sentMessageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SentCard" (
    "cardRef" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "chatId" TEXT,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SentCard_pkey" PRIMARY KEY ("cardRef")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "runAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Chat" (
    "chatId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "botPresent" BOOLEAN NOT NULL DEFAULT true,
    "addedBy" TEXT,
    "addedAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "Chat_pkey" PRIMARY KEY ("chatId")
);

-- CreateTable
CREATE TABLE "PartyOrg" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT,
    "chatId" TEXT NOT NULL,
    "parentId" INTEGER,
    "timezone" TEXT NOT NULL,
    "boundBy" TEXT NOT NULL,
    "boundAt" TIMESTAMP(3) NOT NULL,
    "linkCode" TEXT,
    "committeeTermStart" TIMESTAMP(3),
    "secretaryTenure" TEXT,
    "secretaryIsUnitHead" BOOLEAN,
    "nextMeetingNo" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "PartyOrg_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Member" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "openId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "memberClass" TEXT NOT NULL DEFAULT 'full',
    "post" TEXT,
    "committeeDuty" TEXT,
    "partyGroupId" INTEGER,
    "probationStart" TIMESTAMP(3),
    "active" BOOLEAN NOT NULL DEFAULT true,
    "joinedAt" TIMESTAMP(3) NOT NULL,
    "leftAt" TIMESTAMP(3),

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartyGroup" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "leaderId" INTEGER,

    CONSTRAINT "PartyGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigestSettings" (
    "orgId" INTEGER NOT NULL,
    "weekday" INTEGER NOT NULL DEFAULT 1,
    "hour" INTEGER NOT NULL DEFAULT 9,
    "minute" INTEGER NOT NULL DEFAULT 0,
    "muted" BOOLEAN NOT NULL DEFAULT false,
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestSettings_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "Digest" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "periodKey" TEXT NOT NULL,
    "scheduledFor" TIMESTAMP(3) NOT NULL,
    "secretaryNote" TEXT,
    "noteBy" TEXT,
    "status" TEXT NOT NULL DEFAULT 'invited',
    "late" BOOLEAN NOT NULL DEFAULT false,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "Digest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EarlyWarning" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "ruleId" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "openKey" TEXT,
    "severity" TEXT NOT NULL DEFAULT 'notice',
    "message" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "raisedAt" TIMESTAMP(3) NOT NULL,
    "clearedAt" TIMESTAMP(3),

    CONSTRAINT "EarlyWarning_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppraisalRound" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "rules" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "deadline" TIMESTAMP(3) NOT NULL,
    "openedBy" INTEGER NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "publishedAt" TIMESTAMP(3),
    "publishedBy" INTEGER,
    "decidedMeetingNo" INTEGER,
    "decidedMeetingType" TEXT,

    CONSTRAINT "AppraisalRound_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppraisalParticipant" (
    "roundId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "voter" BOOLEAN NOT NULL,
    "selfDone" BOOLEAN NOT NULL DEFAULT false,
    "peerPagesDone" TEXT NOT NULL DEFAULT '',
    "peerDone" BOOLEAN NOT NULL DEFAULT false,
    "ballotCheck" TEXT,

    CONSTRAINT "AppraisalParticipant_pkey" PRIMARY KEY ("roundId","memberId")
);

-- CreateTable
CREATE TABLE "AppraisalSelfAssessment" (
    "roundId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "summary" TEXT NOT NULL,
    "grade" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AppraisalSelfAssessment_pkey" PRIMARY KEY ("roundId","memberId")
);

-- CreateTable
CREATE TABLE "AppraisalPeerRating" (
    "roundId" INTEGER NOT NULL,
    "ballotToken" TEXT NOT NULL,
    "targetMemberId" INTEGER NOT NULL,
    "grade" TEXT NOT NULL,
    "comment" TEXT,

    CONSTRAINT "AppraisalPeerRating_pkey" PRIMARY KEY ("roundId","ballotToken")
);

-- CreateTable
CREATE TABLE "AppraisalScoreItem" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "itemCode" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "evidence" TEXT NOT NULL,
    "recordedBy" INTEGER NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "withdrawnBy" INTEGER,
    "withdrawnAt" TIMESTAMP(3),

    CONSTRAINT "AppraisalScoreItem_pkey" PRIMARY KEY ("id")
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
    "decidedAt" TIMESTAMP(3),
    "rectificationItemId" INTEGER,

    CONSTRAINT "AppraisalResult_pkey" PRIMARY KEY ("roundId","memberId")
);

-- CreateTable
CREATE TABLE "AppraisalDisposition" (
    "id" SERIAL NOT NULL,
    "roundId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "step" TEXT NOT NULL DEFAULT 'finding',
    "outcome" TEXT NOT NULL,
    "meetingNo" INTEGER,
    "dueOn" TEXT,
    "note" TEXT,
    "recordedBy" INTEGER NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AppraisalDisposition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrgLifeSession" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "meetingNo" INTEGER,
    "opinionsOpenedAt" TIMESTAMP(3),
    "talksPlannedAt" TIMESTAMP(3),

    CONSTRAINT "OrgLifeSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrgLifeOpinion" (
    "id" TEXT NOT NULL,
    "sessionId" INTEGER NOT NULL,
    "about" TEXT NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "OrgLifeOpinion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HeartTalk" (
    "id" SERIAL NOT NULL,
    "sessionId" INTEGER NOT NULL,
    "aMemberId" INTEGER NOT NULL,
    "bMemberId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "doneAt" TIMESTAMP(3),
    "markedBy" INTEGER,

    CONSTRAINT "HeartTalk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrgLifeProblem" (
    "id" SERIAL NOT NULL,
    "sessionId" INTEGER NOT NULL,
    "scope" TEXT NOT NULL,
    "problem" TEXT NOT NULL,
    "measure" TEXT NOT NULL,
    "ownerMemberId" INTEGER NOT NULL,
    "dueOn" TEXT,
    "longTerm" BOOLEAN NOT NULL DEFAULT false,
    "rectificationItemId" INTEGER,
    "createdBy" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrgLifeProblem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Meeting" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "seqNo" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "startAt" TIMESTAMP(3) NOT NULL,
    "endAt" TIMESTAMP(3) NOT NULL,
    "previousStartAt" TIMESTAMP(3),
    "place" TEXT,
    "topic" TEXT,
    "chairId" INTEGER,
    "recorderId" INTEGER,
    "lecturerId" INTEGER,
    "partyGroupId" INTEGER,
    "cancelReason" TEXT,
    "cancelledAt" TIMESTAMP(3),
    "revision" INTEGER NOT NULL DEFAULT 1,
    "heldAt" TIMESTAMP(3),
    "entitledCount" INTEGER,
    "presentVoting" INTEGER,
    "quorumMet" BOOLEAN,
    "calendarEventId" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Meeting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MeetingAttendance" (
    "id" SERIAL NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "expected" BOOLEAN NOT NULL DEFAULT true,
    "rsvp" TEXT,
    "rsvpAt" TIMESTAMP(3),
    "leaveReason" TEXT,
    "signedInAt" TIMESTAMP(3),
    "final" TEXT,
    "memberClass" TEXT,
    "makeupRequired" BOOLEAN NOT NULL DEFAULT false,
    "makeupDoneAt" TIMESTAMP(3),
    "correctedBy" TEXT,

    CONSTRAINT "MeetingAttendance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuorumExclusion" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "ground" TEXT NOT NULL,
    "note" TEXT,
    "approvedBy" TEXT,
    "approvedOn" TEXT,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "revokedBy" TEXT,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "QuorumExclusion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MeetingRules" (
    "orgId" INTEGER NOT NULL,
    "frequencies" TEXT NOT NULL DEFAULT '{}',
    "themeDay" INTEGER,
    "reminderOffsets" TEXT NOT NULL DEFAULT '[1440,60]',
    "updatedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MeetingRules_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "Minutes" (
    "id" SERIAL NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "orgId" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "version" INTEGER NOT NULL DEFAULT 0,
    "submittedBy" TEXT,
    "submittedAt" TIMESTAMP(3),
    "confirmedBy" TEXT,
    "confirmedAt" TIMESTAMP(3),
    "confirmedVersion" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Minutes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MinutesVersion" (
    "id" SERIAL NOT NULL,
    "minutesId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "authorOpenId" TEXT NOT NULL,
    "authorName" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MinutesVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MinutesDraft" (
    "id" SERIAL NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "baseVersion" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MinutesDraft_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Resolution" (
    "id" SERIAL NOT NULL,
    "minutesId" INTEGER NOT NULL,
    "orgId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "votesFor" INTEGER,
    "votesAgainst" INTEGER,
    "votesAbstain" INTEGER,
    "voteMethod" TEXT,
    "matter" TEXT NOT NULL DEFAULT 'general',
    "writtenVotes" INTEGER NOT NULL DEFAULT 0,
    "dissent" TEXT,
    "passed" BOOLEAN,
    "passNote" TEXT,

    CONSTRAINT "Resolution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FollowUpAction" (
    "id" SERIAL NOT NULL,
    "minutesId" INTEGER NOT NULL,
    "orgId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "dueOn" TEXT NOT NULL,
    "rectificationItemId" INTEGER,

    CONSTRAINT "FollowUpAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RectificationItem" (
    "id" SERIAL NOT NULL,
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
    "overdueSince" TIMESTAMP(3),
    "secretaryNotifiedAt" TIMESTAMP(3),
    "buzzedAt" TIMESTAMP(3),
    "submittedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "closedBy" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RectificationItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RectificationEvent" (
    "id" SERIAL NOT NULL,
    "itemId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actorOpenId" TEXT,
    "actorName" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT,
    "comment" TEXT,

    CONSTRAINT "RectificationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RectificationEvidence" (
    "id" SERIAL NOT NULL,
    "itemId" INTEGER,
    "kind" TEXT NOT NULL,
    "content" TEXT,
    "fileKey" TEXT,
    "imageKey" TEXT,
    "fileName" TEXT,
    "messageId" TEXT,
    "uploadedBy" TEXT NOT NULL,
    "uploaderName" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RectificationEvidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RectificationSettings" (
    "orgId" INTEGER NOT NULL,
    "reminderDays" TEXT NOT NULL DEFAULT '7,3,1',
    "buzzAfterDays" INTEGER NOT NULL DEFAULT 3,
    "nextItemNo" INTEGER NOT NULL DEFAULT 1,
    "nextSpotCheckNo" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "RectificationSettings_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "SpotCheck" (
    "id" SERIAL NOT NULL,
    "committeeId" INTEGER NOT NULL,
    "seqNo" INTEGER NOT NULL,
    "ratioPct" INTEGER NOT NULL,
    "periodLabel" TEXT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "seed" TEXT NOT NULL,
    "frame" TEXT NOT NULL,
    "drawnAt" TIMESTAMP(3) NOT NULL,
    "drawnBy" TEXT NOT NULL,

    CONSTRAINT "SpotCheck_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SpotCheckBranch" (
    "id" SERIAL NOT NULL,
    "spotCheckId" INTEGER NOT NULL,
    "orgId" INTEGER NOT NULL,
    "drawOrder" INTEGER NOT NULL,
    "finding" TEXT,
    "findingOk" BOOLEAN,
    "findingItemId" INTEGER,
    "findingBy" TEXT,
    "findingAt" TIMESTAMP(3),

    CONSTRAINT "SpotCheckBranch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SpotCheckItem" (
    "id" SERIAL NOT NULL,
    "spotCheckId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "drawOrder" INTEGER NOT NULL,
    "verdict" TEXT,
    "verdictBy" TEXT,
    "verdictAt" TIMESTAMP(3),
    "reopened" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "SpotCheckItem_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "PartyOrg" ADD CONSTRAINT "PartyOrg_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "Chat"("chatId") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartyOrg" ADD CONSTRAINT "PartyOrg_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "PartyOrg"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_partyGroupId_fkey" FOREIGN KEY ("partyGroupId") REFERENCES "PartyGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartyGroup" ADD CONSTRAINT "PartyGroup_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartyGroup" ADD CONSTRAINT "PartyGroup_leaderId_fkey" FOREIGN KEY ("leaderId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DigestSettings" ADD CONSTRAINT "DigestSettings_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Digest" ADD CONSTRAINT "Digest_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EarlyWarning" ADD CONSTRAINT "EarlyWarning_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_chairId_fkey" FOREIGN KEY ("chairId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_recorderId_fkey" FOREIGN KEY ("recorderId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_lecturerId_fkey" FOREIGN KEY ("lecturerId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_partyGroupId_fkey" FOREIGN KEY ("partyGroupId") REFERENCES "PartyGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MeetingAttendance" ADD CONSTRAINT "MeetingAttendance_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MeetingAttendance" ADD CONSTRAINT "MeetingAttendance_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuorumExclusion" ADD CONSTRAINT "QuorumExclusion_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MeetingRules" ADD CONSTRAINT "MeetingRules_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Minutes" ADD CONSTRAINT "Minutes_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MinutesVersion" ADD CONSTRAINT "MinutesVersion_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MinutesDraft" ADD CONSTRAINT "MinutesDraft_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MinutesDraft" ADD CONSTRAINT "MinutesDraft_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Resolution" ADD CONSTRAINT "Resolution_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FollowUpAction" ADD CONSTRAINT "FollowUpAction_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FollowUpAction" ADD CONSTRAINT "FollowUpAction_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RectificationItem" ADD CONSTRAINT "RectificationItem_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RectificationItem" ADD CONSTRAINT "RectificationItem_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RectificationItem" ADD CONSTRAINT "RectificationItem_verifierId_fkey" FOREIGN KEY ("verifierId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RectificationEvent" ADD CONSTRAINT "RectificationEvent_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "RectificationItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RectificationEvidence" ADD CONSTRAINT "RectificationEvidence_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "RectificationItem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RectificationSettings" ADD CONSTRAINT "RectificationSettings_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "PartyOrg"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SpotCheck" ADD CONSTRAINT "SpotCheck_committeeId_fkey" FOREIGN KEY ("committeeId") REFERENCES "PartyOrg"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SpotCheckBranch" ADD CONSTRAINT "SpotCheckBranch_spotCheckId_fkey" FOREIGN KEY ("spotCheckId") REFERENCES "SpotCheck"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SpotCheckItem" ADD CONSTRAINT "SpotCheckItem_spotCheckId_fkey" FOREIGN KEY ("spotCheckId") REFERENCES "SpotCheck"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SpotCheckItem" ADD CONSTRAINT "SpotCheckItem_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "RectificationItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

