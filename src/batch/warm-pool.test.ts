import { warmPoolEnabled } from './warm-pool.js';

describe('warmPoolEnabled', () => {
  const auto = {};
  it('uses the pool for virtual-clock batches at any --jobs', () => {
    expect(warmPoolEnabled({ anyRealClock: false, jobs: 2, cores: 2 }, auto)).toBe(true);
    expect(warmPoolEnabled({ anyRealClock: false, jobs: 8, cores: 2 }, auto)).toBe(true);
  });
  it('beside real-clock runs only while --jobs leaves a core free for the start-ups', () => {
    expect(warmPoolEnabled({ anyRealClock: true, jobs: 1, cores: 2 }, auto)).toBe(true);
    expect(warmPoolEnabled({ anyRealClock: true, jobs: 2, cores: 2 }, auto)).toBe(false);
    expect(warmPoolEnabled({ anyRealClock: true, jobs: 1, cores: 1 }, auto)).toBe(false);
  });
  it('TRACEGRADE_WARM=0 turns it off, =1 on, whatever the batch', () => {
    expect(warmPoolEnabled({ anyRealClock: false, jobs: 1, cores: 2 }, { TRACEGRADE_WARM: '0' })).toBe(false);
    expect(warmPoolEnabled({ anyRealClock: true, jobs: 2, cores: 2 }, { TRACEGRADE_WARM: '1' })).toBe(true);
  });
});
