-- Reminder e-mails to invitations not done (issue 20).
ALTER TABLE "Invitation" ADD COLUMN "lastRemindedAt" TIMESTAMP(3), ADD COLUMN "reminders" INTEGER NOT NULL DEFAULT 0;
