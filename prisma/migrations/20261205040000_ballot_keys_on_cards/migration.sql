-- Anonymity against a copy of the database (issue 21): no round secret is stored any more; a
-- rater's ballot key lives only on their own peer card, the database keeps its SHA-256.
-- A round still open when this runs keeps its ratings; its raters get new cards (new keys).
ALTER TABLE "AppraisalRound" DROP COLUMN "secret";
ALTER TABLE "AppraisalParticipant" ADD COLUMN "ballotCheck" TEXT;

-- Ratings in key order, not insertion order: a WITHOUT ROWID table has no rowid to betray
-- which rating was written when.
CREATE TABLE "AppraisalPeerRating_new" (
    "roundId" INTEGER NOT NULL,
    "ballotToken" TEXT NOT NULL,
    "targetMemberId" INTEGER NOT NULL,
    "grade" TEXT NOT NULL,
    "comment" TEXT,

    PRIMARY KEY ("roundId", "ballotToken")
) WITHOUT ROWID;
INSERT INTO "AppraisalPeerRating_new" SELECT "roundId", "ballotToken", "targetMemberId", "grade", "comment" FROM "AppraisalPeerRating" ORDER BY "roundId", "ballotToken";
DROP TABLE "AppraisalPeerRating";
ALTER TABLE "AppraisalPeerRating_new" RENAME TO "AppraisalPeerRating";
CREATE INDEX "AppraisalPeerRating_roundId_targetMemberId_idx" ON "AppraisalPeerRating"("roundId", "targetMemberId");

-- An outbox row whose content must not stay in the database (a peer card with its ballot key)
-- is erased once sent or failed.
ALTER TABLE "OutboxMessage" ADD COLUMN "erasable" BOOLEAN NOT NULL DEFAULT false;
