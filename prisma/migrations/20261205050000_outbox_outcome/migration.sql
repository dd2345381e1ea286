-- When a message was first tried, and whether an attempt may have arrived without an answer:
-- past Lark's one-hour uuid window such a resend may show twice (logged; README, "Sending").
ALTER TABLE "OutboxMessage" ADD COLUMN "firstTriedAt" DATETIME;
ALTER TABLE "OutboxMessage" ADD COLUMN "outcomeUnknown" BOOLEAN NOT NULL DEFAULT false;
