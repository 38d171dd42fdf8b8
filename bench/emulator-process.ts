/**
 * The emulator in its own process (forked by the runner), so its CPU is never counted against a
 * client. Started with its options as JSON in argv[2]; answers `stats` / `reset` / `configure`
 * messages over the IPC channel (the emulator's API has no cross-process control of its own).
 * Its stats carry the CPU time the emulator process used since the last reset.
 */
import {
  type EmulatorOptions,
  type EmulatorStats,
  type RuntimeOptions,
  startEmulator,
} from '@bedrock-embeddings/emulator';

/** The emulator's counters and this process's CPU time (ms) since the last reset. */
export type BenchEmulatorStats = EmulatorStats & { cpuMs: number };

/** A control message from the runner. */
export type EmulatorControl =
  | { id: number; op: 'stats' }
  | { id: number; op: 'reset' }
  | { id: number; op: 'configure'; options: RuntimeOptions }
  | { id: number; op: 'stop' };

/** The first message: where the emulator listens and what it accepts. */
export interface EmulatorReady {
  type: 'ready';
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
const emu = await startEmulator(options);
const send = (message: unknown) => process.send?.(message);
let cpuAtReset = process.cpuUsage();

process.on('message', async (message: EmulatorControl) => {
  switch (message.op) {
    case 'stats': {
      const cpu = process.cpuUsage(cpuAtReset);
      return send({ id: message.id, result: { ...emu.stats(), cpuMs: (cpu.user + cpu.system) / 1000 } });
    }
    case 'reset':
      emu.reset();
      cpuAtReset = process.cpuUsage();
      return send({ id: message.id, result: null });
    case 'configure':
      emu.configure(message.options);
      return send({ id: message.id, result: null });
    case 'stop':
      await emu.stop();
      send({ id: message.id, result: null });
      process.disconnect();
  }
});
// The runner going away (even killed) closes the channel: stop with it.
process.on('disconnect', () => void emu.stop().then(() => process.exit(0)));

send({
  type: 'ready',
  endpoint: emu.endpoint,
  region: emu.region,
  credentials: emu.credentials,
} satisfies EmulatorReady);
