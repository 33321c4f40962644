import type { InputHTMLAttributes } from 'react';
import { cn } from '@/components/ui/cn';
import { CONTROL_CLASSES } from './control';

export type InputProps = InputHTMLAttributes<HTMLInputElement>;

export function Input({ className, type = 'text', ...rest }: InputProps) {
  return <input type={type} className={cn(CONTROL_CLASSES, 'h-8', className)} {...rest} />;
}
