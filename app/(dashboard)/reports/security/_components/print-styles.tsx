/**
 * Print rules for the report pages only (rendered inside them, so nothing else is affected):
 * hide the app shell (sidebar, top bar, skip link), drop backgrounds and shadows, keep cards
 * whole, and print in black on white.
 */
const CSS = `
@media print {
  @page { margin: 14mm; }
  html, body { background: #fff !important; color: #000 !important; }
  body:has(.rekey-report) .lg\\:grid > div:first-of-type:not(:has(.rekey-report)),
  body:has(.rekey-report) header,
  body:has(.rekey-report) a[href="#main"],
  body:has(.rekey-report) .print\\:hidden { display: none !important; }
  body:has(.rekey-report) .lg\\:grid { display: block !important; }
  body:has(.rekey-report) main { padding: 0 !important; }
  .rekey-report, .rekey-report * { box-shadow: none !important; color: #000 !important; }
  .rekey-report section, .rekey-report .rekey-card, .rekey-report tr, .rekey-report figure { break-inside: avoid; page-break-inside: avoid; }
  .rekey-report a { text-decoration: none !important; }
  .rekey-report [class*="border"] { border-color: #999 !important; }
}
`;

export function ReportPrintStyles() {
  return <style>{CSS}</style>;
}
