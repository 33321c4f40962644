'use client';

import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { Dialog } from '@/components/ui/dialog';
import { CertificateUpload } from '../../certificates/_components/certificate-upload';

/**
 * The wizard's "Upload the vendor's certificate": the intake form in a dialog on the New
 * certificate step (no new tab, nothing to reload). Once the certificate is added — or found
 * already in the inventory — the dialog closes and the step opens again with it selected.
 */
export function UploadInWizard({ stepHref }: { stepHref: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  // A fresh form each time the dialog opens.
  const [round, setRound] = useState(0);
  return (
    <Dialog
      trigger="Upload the vendor’s certificate"
      triggerSize="sm"
      size="lg"
      title="Upload the vendor’s new certificate"
      description="Check it, then add it to the inventory: the wizard selects it. It does not become the region’s replacement."
      open={open}
      onOpenChange={(v) => {
        setOpen(v);
        if (v) setRound((r) => r + 1);
      }}
    >
      <CertificateUpload
        key={round}
        onAdded={(id) => {
          setOpen(false);
          router.push(`${stepHref}${stepHref.includes('?') ? '&' : '?'}cert=${encodeURIComponent(id)}`);
        }}
      />
    </Dialog>
  );
}
