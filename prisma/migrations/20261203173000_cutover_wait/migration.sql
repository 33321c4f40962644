-- Make-before-break waits for the vendor's cutover (ADR 022): a campaign's longest wait, in hours
-- (null = its rotations do not wait). A rotation's own choice is in Rotation.facts.cutover.
ALTER TABLE "Campaign" ADD COLUMN "cutoverWaitHours" INTEGER;
