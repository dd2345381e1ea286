-- AlterTable
ALTER TABLE "MeetingAttendance" ADD COLUMN     "leaveDecidedAt" TIMESTAMP(3),
ADD COLUMN     "leaveDecidedBy" TEXT,
ADD COLUMN     "leaveDecision" TEXT;

-- AlterTable
ALTER TABLE "MeetingRules" ADD COLUMN     "leaveApproverId" INTEGER;

