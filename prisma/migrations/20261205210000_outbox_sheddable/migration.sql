-- Rows that may be left out when the month's API calls are projected past the tenant's budget (issue #22).
ALTER TABLE "OutboxMessage" ADD COLUMN "sheddable" BOOLEAN NOT NULL DEFAULT false;
