import { createCanvas } from '@napi-rs/canvas';
import type { DigestData } from './collect.js';

const COLORS = { pass: '#2e9e5b', warn: '#e0a526', fail: '#d64545', none: '#d9dde3' } as const;
const CELL_W = 28;
const CELL_H = 22;
const LEFT = 170;
const TOP = 56;

/**
 * The last 24 hours of check results per node as a status timeline (green pass, amber warn,
 * red fail, grey no data), drawn in process with @napi-rs/canvas and returned as a PNG.
 */
export function renderTimeline(t: DigestData['timeline'], title: string): Buffer {
  const rows = Math.max(1, t.nodes.length);
  const width = LEFT + CELL_W * 24 + 20;
  const height = TOP + rows * CELL_H + 46;
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#1f2328';
  g.font = 'bold 15px sans-serif';
  g.fillText(title, 12, 22);
  g.font = '11px sans-serif';
  g.fillStyle = '#57606a';
  t.hours.forEach((h, i) => {
    if (i % 3 === 0) g.fillText(`${h.slice(11, 13)}h`, LEFT + i * CELL_W + 2, TOP - 8);
  });
  if (!t.nodes.length) {
    g.fillText('No registered nodes.', LEFT, TOP + 15);
  }
  t.nodes.forEach((n, row) => {
    const y = TOP + row * CELL_H;
    g.fillStyle = '#1f2328';
    g.font = '12px sans-serif';
    g.fillText(n.node.length > 22 ? `${n.node.slice(0, 21)}…` : n.node, 12, y + 15);
    n.cells.forEach((c, i) => {
      g.fillStyle = COLORS[c ?? 'none'];
      g.fillRect(LEFT + i * CELL_W + 1, y + 1, CELL_W - 2, CELL_H - 2);
    });
  });
  const ly = TOP + rows * CELL_H + 22;
  let lx = LEFT;
  g.font = '11px sans-serif';
  for (const [label, color] of [['pass', COLORS.pass], ['warn', COLORS.warn], ['fail', COLORS.fail], ['no data', COLORS.none]] as const) {
    g.fillStyle = color;
    g.fillRect(lx, ly - 10, 12, 12);
    g.fillStyle = '#57606a';
    g.fillText(label, lx + 16, ly);
    lx += 80;
  }
  return canvas.toBuffer('image/png');
}
