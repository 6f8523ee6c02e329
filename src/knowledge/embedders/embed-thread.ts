import { parentPort, workerData } from 'node:worker_threads';
import type { EmbedderConfig } from '../../config.js';
import { createEmbedder } from './index.js';

/** The sentence model in a thread of its own: asked for one text at a time, it skips what waited too long. */
const embedder = createEmbedder(workerData as EmbedderConfig);
const port = parentPort!;
try {
  await embedder.load();
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ ready: false, error: (err as Error).message });
}
port.on('message', (m: { id: number; text: string; startBy: number }) => {
  // Its turn came too late: the paste has been answered without it.
  if (Date.now() > m.startBy) return port.postMessage({ id: m.id, vector: null });
  embedder.embedQuery(m.text).then(
    (vector) => port.postMessage({ id: m.id, vector }),
    (err: Error) => port.postMessage({ id: m.id, vector: null, error: err.message }),
  );
});
