'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/select';
import type { RegionReplacementImpact } from '@/lib/certificates/set-region-replacement';
import { setRegionReplacementAction } from '../actions';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * "Make it a region's replacement": choose the region, read what it reaches, type the region's
 * name. Admins of every tenant only (the server checks again).
 */
export function RegionReplacement({
  certificateId,
  impacts,
}: {
  certificateId: string;
  impacts: RegionReplacementImpact[];
}) {
  const router = useRouter();
  const choices = impacts.filter((i) => i.previous?.id !== certificateId);
  const [region, setRegion] = useState(choices[0]?.region ?? '');
  const [message, setMessage] = useState<{ tone: 'danger' | 'success'; text: string } | null>(null);
  const impact = choices.find((i) => i.region === region);
  if (!choices.length) return null;
  return (
    <div className="space-y-3">
      <Field id="replacement-region" label="Region">
        {(p) => (
          <Select {...p} value={region} onChange={(e) => setRegion(e.target.value)}>
            {choices.map((i) => (
              <option key={i.region} value={i.region}>
                {i.region}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {impact ? (
        <ConfirmDialog
          triggerLabel={`Make it the ${impact.region} replacement…`}
          triggerVariant="secondary"
          triggerSize="sm"
          tone="default"
          title={`Make this the replacement certificate for ${impact.region}?`}
          description="The rotation wizard and new campaigns offer it first for every connector of the region’s tenants."
          confirmLabel="Make it the replacement"
          requireText={impact.region}
          action={async (fd) => {
            setMessage(null);
            const r = await setRegionReplacementAction(null, {
              certificateId,
              region: impact.region,
              confirmText: String(fd.get('confirmText') ?? ''),
            });
            setMessage(
              r.ok
                ? { tone: 'success', text: `This certificate is now the ${impact.region} replacement.` }
                : { tone: 'danger', text: r.error.message },
            );
            router.refresh();
          }}
        >
          <ul className="list-disc space-y-1 pl-5" aria-label="What this changes">
            <li>
              {plural(impact.connectors, 'connector')} in {plural(impact.tenants, 'tenant')} of {impact.region} will be
              offered this certificate by default.
            </li>
            <li>
              {impact.previous
                ? `It replaces ${impact.previous.label} (${impact.previous.sha1Thumbprint.slice(0, 12)}…) as the region’s replacement.`
                : `${impact.region} has no replacement certificate yet.`}
            </li>
            <li>
              {impact.openCampaigns
                ? `${plural(impact.openCampaigns, 'open campaign')} for ${impact.region} keep the certificate they were created with.`
                : `No open campaign uses ${impact.region}.`}
            </li>
            <li>Nothing changes in any tenant until a rotation runs.</li>
          </ul>
        </ConfirmDialog>
      ) : null}
      {message ? (
        <Alert tone={message.tone} live={message.tone === 'danger' ? 'alert' : 'status'}>
          {message.text}
        </Alert>
      ) : null}
    </div>
  );
}
