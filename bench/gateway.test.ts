/**
 * The quick variant of the gateway scenario: two emulator processes as two regions, the server in
 * front, the real `openai` client. It asserts no timings, only that no request failed in any phase
 * (one emulator is killed halfway through the last) and that both regions served requests.
 */
import { describe, expect, it } from 'vitest';
import { runGateway } from './scenarios/gateway.js';

describe('pnpm bench --scenario gateway --quick', () => {
  it('serves every request over two regions, and on when one is killed', { timeout: 120_000 }, async () => {
    const result = await runGateway({ quick: true });
    expect(result.phases.map((phase) => phase.name)).toEqual([
      'one deployment',
      'two deployments',
      'two deployments, us-west-2 killed halfway',
    ]);
    for (const phase of result.phases)
      expect(phase.failed, `${phase.name}: ${phase.errors.join('; ')}`).toBe(0);
    const [one, two, killed] = result.phases;
    expect(one!.emulators[1]!.invokeModel).toBe(0);
    for (const phase of [two!, killed!]) {
      for (const emulator of phase.emulators) expect(emulator.invokeModel).toBeGreaterThan(0);
    }
  });
});
