import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Mono } from '@/components/ui/code-block';
import { Table, TableContainer, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import type { Tone } from '@/components/ui/tone';
import { formatDate } from '@/lib/utils';

export type CredentialRow = {
  keyId: string;
  sha1: string | null;
  on: 'application' | 'servicePrincipal' | string;
  displayName: string | null;
  start: string | null;
  end: string | null;
};
export type CredentialMark = { label: string; tone: Tone };

/**
 * A tenant's certificate credentials (application and service principal), each marked by what
 * Rekey knows about it. Server component; used by the wizard, the rotation evidence and the
 * connector page.
 */
export function CredentialTable({
  label,
  rows,
  mark,
  actions,
  empty = 'No certificate credentials.',
}: {
  label: string;
  rows: CredentialRow[];
  mark: (c: CredentialRow) => CredentialMark;
  actions?: (c: CredentialRow) => ReactNode;
  empty?: string;
}) {
  if (rows.length === 0) return <p className="text-sm text-fg-muted">{empty}</p>;
  return (
    <TableContainer label={label}>
      <Table>
        <caption className="sr-only">{label}</caption>
        <THead>
          <tr>
            <TH>On</TH>
            <TH>Key id</TH>
            <TH>SHA-1 thumbprint</TH>
            <TH>Valid</TH>
            <TH>Rekey</TH>
            {actions ? (
              <TH>
                <span className="sr-only">Actions</span>
              </TH>
            ) : null}
          </tr>
        </THead>
        <TBody>
          {rows.map((c) => {
            const m = mark(c);
            return (
              <TR key={`${c.on}:${c.keyId}`}>
                <TD className="whitespace-nowrap">
                  {c.on === 'servicePrincipal' ? 'Service principal' : 'Application'}
                </TD>
                <TD>
                  <Mono>{c.keyId.slice(0, 8)}</Mono>
                  <span className="sr-only">{c.keyId}</span>
                  {c.displayName ? <div className="text-xs text-fg-muted">{c.displayName}</div> : null}
                </TD>
                <TD>
                  {c.sha1 ? (
                    <Mono className="break-all">{c.sha1}</Mono>
                  ) : (
                    <span className="text-fg-muted">not revealed</span>
                  )}
                </TD>
                <TD className="text-xs whitespace-nowrap">
                  {c.start ? formatDate(c.start) : '—'} → {c.end ? formatDate(c.end) : '—'}
                </TD>
                <TD>
                  <Badge tone={m.tone}>{m.label}</Badge>
                </TD>
                {actions ? <TD align="right">{actions(c)}</TD> : null}
              </TR>
            );
          })}
        </TBody>
      </Table>
    </TableContainer>
  );
}
