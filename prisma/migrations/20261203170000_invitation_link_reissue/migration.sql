-- A reminder re-issues the invitation's link (ADR 028): the replaced link's hash is kept so the old
-- link says it was replaced (and when) instead of "not valid".
CREATE TABLE "InvitationRetiredToken" (
    "tokenHash" TEXT NOT NULL,
    "invitationId" UUID NOT NULL,
    "retiredAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "InvitationRetiredToken_pkey" PRIMARY KEY ("tokenHash")
);
CREATE INDEX "InvitationRetiredToken_invitationId_idx" ON "InvitationRetiredToken"("invitationId");
ALTER TABLE "InvitationRetiredToken" ADD CONSTRAINT "InvitationRetiredToken_invitationId_fkey"
    FOREIGN KEY ("invitationId") REFERENCES "Invitation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Invitation" ADD COLUMN "linkIssuedAt" TIMESTAMP(3);
