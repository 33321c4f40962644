import type { TextareaHTMLAttributes } from 'react';
import { cn } from '@/components/ui/cn';
import { CONTROL_CLASSES } from './control';

export type TextareaProps = TextareaHTMLAttributes<HTMLTextAreaElement>;

export function Textarea({ className, rows = 4, ...rest }: TextareaProps) {
  return <textarea rows={rows} className={cn(CONTROL_CLASSES, 'py-1.5 leading-relaxed', className)} {...rest} />;
}
