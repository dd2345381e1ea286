-- A resolution records how it was voted (举手/无记名), what it decided on (发展党员 votes count
-- written opinions of absent voters), how many written opinions were counted, and dissent.
ALTER TABLE "Resolution" ADD COLUMN "voteMethod" TEXT;
ALTER TABLE "Resolution" ADD COLUMN "matter" TEXT NOT NULL DEFAULT 'general';
ALTER TABLE "Resolution" ADD COLUMN "writtenVotes" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Resolution" ADD COLUMN "dissent" TEXT;
