import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ask } from './data-parallel.js';

/** A stand-in worker that answers a message the way a real one can fail. */
function fakeWorker(answer: (worker: EventEmitter) => void): Worker {
  const worker = new EventEmitter() as EventEmitter & { postMessage: () => void };
  worker.postMessage = () => setImmediate(() => answer(worker));
  return worker as unknown as Worker;
}

describe('talking to a training worker', () => {
  it('a worker that exits without replying (a WASM abort) rejects with the exit code and a fix, instead of waiting forever', async () => {
    const worker = fakeWorker((w) => w.emit('exit', 7));
    await expect(ask(worker, { kind: 'init', network: {} as never, backend: { name: 'cpu', module: { url: '', exportName: '' } } })).rejects.toThrow(
      /exited \(code 7\) before replying.*smaller batch/,
    );
    expect(worker.listenerCount('message') + worker.listenerCount('error') + worker.listenerCount('exit')).toBe(0);
  });

  it("a worker's error reply and error event both reject with the worker's message", async () => {
    await expect(
      ask(
        fakeWorker((w) => w.emit('message', { kind: 'error', message: 'Aborted()' })),
        { kind: 'init', network: {} as never, backend: { name: 'cpu', module: { url: '', exportName: '' } } },
      ),
    ).rejects.toThrow('training worker: Aborted()');
    await expect(
      ask(
        fakeWorker((w) => w.emit('error', new Error('boom'))),
        { kind: 'init', network: {} as never, backend: { name: 'cpu', module: { url: '', exportName: '' } } },
      ),
    ).rejects.toThrow('training worker failed: boom');
  });

  it('a reply resolves and leaves no listeners behind', async () => {
    const worker = fakeWorker((w) => w.emit('message', { kind: 'ready' }));
    await expect(ask(worker, { kind: 'init', network: {} as never, backend: { name: 'cpu', module: { url: '', exportName: '' } } })).resolves.toEqual({ kind: 'ready' });
    expect(worker.listenerCount('exit')).toBe(0);
  });
});
