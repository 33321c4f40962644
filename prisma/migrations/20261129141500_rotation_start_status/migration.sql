-- The connector status a rotation started from (what it remediates), for burn-down charts.
ALTER TABLE "Rotation" ADD COLUMN "startStatus" "ConnectorStatus";
