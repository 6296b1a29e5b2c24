import fc from 'fast-check';
import { formatCount } from './text.js';

test('formatCount groups thousands as en-US does', () => {
  fc.assert(
    fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => {
      expect(formatCount(n)).toBe(n === 0 ? '0' : n.toLocaleString('en-US'));
    }),
  );
  expect([0, 7, 999, 1000, 12345, 1234567].map(formatCount)).toEqual(['0', '7', '999', '1,000', '12,345', '1,234,567']);
  expect(formatCount(1.5)).toBe('1.5');
});
