-- 不计入应到会人数 needs the upper organisation's approval (domain.md §1.2): who approved and when.
ALTER TABLE "QuorumExclusion" ADD COLUMN "approvedBy" TEXT;
ALTER TABLE "QuorumExclusion" ADD COLUMN "approvedOn" TEXT;
