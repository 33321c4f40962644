/**
 * CSV of invitations for the vendor's own mailing. Links cannot be exported later (only hashes
 * are stored), so `exportCreatedInvitations` writes the links of a batch just created, and
 * `invitationsCsv` the status of existing ones.
 */
import { csvLine } from '@/lib/csv';
import type { CreatedInvitation } from '@/lib/invitations/create-invitations';
import type { InvitationRow } from '@/lib/invitations/list-invitations';
import { VIEW_LABEL } from '@/lib/invitations/invitation-status';

export const CREATED_HEADER = ['invitation id', 'target', 'email', 'link', 'expires at'];
export const STATUS_HEADER = [
  'invitation id',
  'target',
  'connector',
  'email',
  'status',
  'detail',
  'customer admin',
  'created at',
  'expires at',
  'rotated at',
];

export function createdInvitationsCsv(rows: CreatedInvitation[]): string {
  return [CREATED_HEADER, ...rows.map((r) => [r.id, r.target, r.email ?? '', r.link, r.expiresAt.toISOString()])]
    .map(csvLine)
    .join('');
}

export function invitationsCsv(rows: InvitationRow[]): string {
  return [
    STATUS_HEADER,
    ...rows.map((r) => [
      r.id,
      r.target,
      r.connector ?? '',
      r.email ?? '',
      VIEW_LABEL[r.view],
      r.stateDetail ?? '',
      r.customerUpn ?? '',
      r.createdAt.toISOString(),
      r.expiresAt.toISOString(),
      r.usedAt?.toISOString() ?? '',
    ]),
  ]
    .map(csvLine)
    .join('');
}
