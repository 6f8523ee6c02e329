import { findLine } from '../inventory.js';
import { type Analyzer, type Verdict, snapshotsOf } from './analyzer.js';

const TOPIC = /gpu|cuda|nvidia/i;

const NVIDIA_FAILED = /NVIDIA-SMI has failed|couldn't communicate with the NVIDIA driver|No devices were found|nvidia-smi: (?:command )?not found/;
const CUDA_ERROR = /CUDA (?:driver|error|initialization)|no CUDA-capable device|cudaGetDeviceCount|GPU not (?:detected|found)|CUDA_ERROR_\w+|failed to initialize NVML/i;

/** A GPU the node cannot use: from `nvidia-smi` output, or CUDA errors in the logs. */
export const gpu: Analyzer = {
  name: 'gpu',
  async run(view) {
    const out: Verdict[] = [];
    for (const f of snapshotsOf(view, 'nvidia-smi')) {
      const text = await view.files.text(f);
      const bad = findLine(text, NVIDIA_FAILED);
      if (bad) {
        out.push({ outcome: 'fail', title: 'GPU not usable', message: `nvidia-smi reports: ${bad.text.trim()}`, evidence: [{ file: f.name, line: bad.line, text: bad.text }], query: `GPU not detected ${bad.text}`, topic: TOPIC });
        continue;
      }
      const gpus = text.split('\n').filter((l) => /\|\s+\d+\s+.*(?:NVIDIA|Tesla|GeForce|RTX|A100|H100|L4|T4)/.test(l)).length;
      const mem = [...text.matchAll(/(\d+)MiB\s*\/\s*(\d+)MiB/g)].map((m) => Number(m[1]) / Number(m[2]));
      if (mem.some((r) => r > 0.95)) {
        const line = findLine(text, /(\d+)MiB\s*\/\s*(\d+)MiB/)!;
        out.push({ outcome: 'warn', title: 'GPU memory nearly full', message: 'A GPU has more than 95% of its memory in use; a larger model or batch will fail with CUDA out of memory.', evidence: [{ file: f.name, line: line.line, text: line.text }], query: 'CUDA out of memory GPU memory', topic: TOPIC });
      } else out.push({ outcome: 'pass', title: 'GPU', message: `nvidia-smi lists ${gpus || 'a'} GPU${gpus === 1 ? '' : 's'}.`, evidence: [] });
    }
    const cuda = view.clusters.filter((c) => c.level !== 'warn' && c.examples.some((e) => CUDA_ERROR.test(e.text)));
    if (cuda.length && !out.some((r) => r.outcome === 'fail')) {
      const ex = cuda[0]!.examples[0]!;
      out.push({
        outcome: 'fail',
        title: 'CUDA errors in the logs',
        message: `${cuda.reduce((n, c) => n + c.count, 0)} CUDA error lines: the GPU or its driver is not usable by the service.`,
        evidence: cuda.slice(0, 3).map((c) => ({ file: c.examples[0]!.file, line: c.examples[0]!.line, text: c.examples[0]!.text })),
        query: ex.text, topic: TOPIC,
      });
    }
    return out;
  },
};
