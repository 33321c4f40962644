/** Shared look for text-like form controls. `aria-invalid` turns the border red. */
export const CONTROL_CLASSES =
  'block w-full rounded-md border border-border-strong bg-surface px-2.5 text-sm text-fg shadow-xs placeholder:text-fg-subtle ' +
  'transition-colors hover:border-fg-subtle focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-offset-0 ' +
  'disabled:cursor-not-allowed disabled:bg-surface-2 disabled:opacity-70 aria-invalid:border-danger';
