/** Class joining for components (the browser-cheap module: see lib/cn.ts). */
export { cn, type ClassValue } from '@/lib/cn';
