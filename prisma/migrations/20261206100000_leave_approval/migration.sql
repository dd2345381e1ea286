-- AlterTable
ALTER TABLE "MeetingAttendance" ADD COLUMN "leaveDecidedAt" DATETIME;
ALTER TABLE "MeetingAttendance" ADD COLUMN "leaveDecidedBy" TEXT;
ALTER TABLE "MeetingAttendance" ADD COLUMN "leaveDecision" TEXT;

-- AlterTable
ALTER TABLE "MeetingRules" ADD COLUMN "leaveApproverId" INTEGER;

