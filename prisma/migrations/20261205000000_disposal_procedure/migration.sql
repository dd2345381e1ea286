-- 组织处置 becomes a procedure for 不合格 only (issue 14): each row is one step, recorded
-- against the meeting that took it; a 限期改正 period is the date the branch entered.
ALTER TABLE "AppraisalDisposition" ADD COLUMN "step" TEXT NOT NULL DEFAULT 'finding';
ALTER TABLE "AppraisalDisposition" ADD COLUMN "meetingNo" INTEGER;
ALTER TABLE "AppraisalDisposition" ADD COLUMN "dueOn" TEXT;
