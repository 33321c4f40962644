import { describe, expect, it } from 'vitest';
import { formDataToObject, inputSize } from '@/lib/auth/action';

describe('formDataToObject', () => {
  it('turns repeated and [] keys into arrays and drops Next and empty-file fields', () => {
    const fd = new FormData();
    fd.append('name', 'a');
    fd.append('tenantIds', 't1');
    fd.append('tenantIds', 't2');
    fd.append('groups[]', 'north');
    fd.append('$ACTION_ID_123', '');
    fd.append('file', new File([], ''));
    fd.append('__proto__', 'x');
    const o = formDataToObject(fd);
    expect(o).toEqual({ name: 'a', tenantIds: ['t1', 't2'], groups: ['north'] });
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
  });

  it('measures input size including files', () => {
    const fd = new FormData();
    fd.append('f', new File([new Uint8Array(1000)], 'x.cer'));
    expect(inputSize(fd)).toBeGreaterThanOrEqual(1000);
    expect(inputSize({ a: 'x'.repeat(500), nested: { b: 'y'.repeat(500) } })).toBeGreaterThanOrEqual(1000);
    expect(inputSize(null)).toBe(0);
  });
});
