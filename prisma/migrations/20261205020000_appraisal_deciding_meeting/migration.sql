-- 民主评议 results are decided by a body, not a person (issue 14): the meeting that took them.
ALTER TABLE "AppraisalRound" ADD COLUMN "decidedMeetingNo" INTEGER;
ALTER TABLE "AppraisalRound" ADD COLUMN "decidedMeetingType" TEXT;
