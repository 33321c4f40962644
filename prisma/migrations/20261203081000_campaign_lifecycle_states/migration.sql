-- A campaign's stored state is its lifecycle only: draft, awaiting approval, approved, running,
-- paused, cancelled, finished. Whether a finished campaign "completed" is derived from its items
-- (lib/campaigns/campaign-outcome.ts), never stored. Existing rows: COMPLETED → FINISHED, an
-- approved draft (DRAFT with approvedAt) → APPROVED.
ALTER TYPE "CampaignState" RENAME TO "CampaignState_old";
CREATE TYPE "CampaignState" AS ENUM ('DRAFT', 'AWAITING_APPROVAL', 'APPROVED', 'RUNNING', 'PAUSED', 'CANCELLED', 'FINISHED');
ALTER TABLE "Campaign" ALTER COLUMN "state" DROP DEFAULT;
ALTER TABLE "Campaign" ALTER COLUMN "state" TYPE "CampaignState" USING (
  CASE
    WHEN "state"::text = 'COMPLETED' THEN 'FINISHED'
    WHEN "state"::text = 'DRAFT' AND "approvedAt" IS NOT NULL THEN 'APPROVED'
    ELSE "state"::text
  END
)::"CampaignState";
ALTER TABLE "Campaign" ALTER COLUMN "state" SET DEFAULT 'DRAFT';
DROP TYPE "CampaignState_old";
