/**
 * The one source of every icon: vector definitions on a 32×32 canvas, from which the generator
 * writes SVG previews and rasterises PNG/ICO at each size. Tray states differ in SHAPE, not only
 * colour (distinguishable without colour): circle ok, triangle warning, octagon
 * critical, shield security, hollow crossed ring disconnected.
 */
import type { TrayState } from '../../main/platform/core-port.js';
import type { Rgba } from './encode.js';

type Point = readonly [number, number];
/** A primitive: a circle or a polygon (any polygon, even-odd filled). */
export type Primitive = { circle: [cx: number, cy: number, r: number] } | { polygon: Point[] };

/** One icon: a body with holes cut out, marks painted inside, and solid overlays on top. */
export type IconDef = {
  body: Primitive[];
  holes: Primitive[];
  colour: string;
  /** Marks cut into the body: painted in this colour in colour icons, transparent in templates. */
  marks: Primitive[];
  markColour: string | null;
  /** Painted last, in the body colour (or black in templates). */
  overlays: Primitive[];
};

const rect = (x0: number, y0: number, x1: number, y1: number): Primitive => ({
  polygon: [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ],
});
const circle = (cx: number, cy: number, r: number): Primitive => ({ circle: [cx, cy, r] });
const regular = (n: number, r: number, turn: number): Primitive => ({
  polygon: Array.from(
    { length: n },
    (_, i) =>
      [16 + r * Math.cos(turn + (2 * Math.PI * i) / n), 16 + r * Math.sin(turn + (2 * Math.PI * i) / n)] as const,
  ),
});
/** A thick straight stroke from a to b, as a polygon. */
function stroke(a: Point, b: Point, width: number): Primitive {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const length = Math.hypot(dx, dy);
  const [nx, ny] = [(-dy / length) * (width / 2), (dx / length) * (width / 2)];
  return {
    polygon: [
      [a[0] + nx, a[1] + ny],
      [b[0] + nx, b[1] + ny],
      [b[0] - nx, b[1] - ny],
      [a[0] - nx, a[1] - ny],
    ],
  };
}
/** Sample a quadratic Bézier curve (for the shield's and the bell's curved sides). */
function quad(p0: Point, c: Point, p1: Point, steps = 12): Point[] {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const t = i / steps;
    const u = 1 - t;
    return [
      u * u * p0[0] + 2 * u * t * c[0] + t * t * p1[0],
      u * u * p0[1] + 2 * u * t * c[1] + t * t * p1[1],
    ] as const;
  });
}
function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Primitive {
  const corner = (cx: number, cy: number, start: number) =>
    Array.from(
      { length: 9 },
      (_, i) => [cx + r * Math.cos(start + (i * Math.PI) / 16), cy + r * Math.sin(start + (i * Math.PI) / 16)] as const,
    );
  return {
    polygon: [
      ...corner(x1 - r, y0 + r, -Math.PI / 2),
      ...corner(x1 - r, y1 - r, 0),
      ...corner(x0 + r, y1 - r, Math.PI / 2),
      ...corner(x0 + r, y0 + r, Math.PI),
    ],
  };
}
const exclamation = (top: number, bottom: number, dot: number): Primitive[] => [
  rect(14.4, top, 17.6, bottom),
  circle(16, dot, 1.8),
];

/** The tray icon of each state. */
export const TRAY_ICONS = {
  ok: {
    body: [circle(16, 16, 14)],
    holes: [],
    colour: '#2E7D32',
    marks: [stroke([9.5, 16.5], [14, 21], 3.2), stroke([13, 21.6], [22.8, 10.8], 3.2)],
    markColour: '#FFFFFF',
    overlays: [],
  },
  warning: {
    body: [
      {
        polygon: [
          [16, 1.5],
          [31, 29],
          [1, 29],
        ],
      },
    ],
    holes: [],
    colour: '#F2A900',
    marks: exclamation(10, 20.5, 24.6),
    markColour: '#111111',
    overlays: [],
  },
  critical: {
    body: [regular(8, 15, Math.PI / 8)],
    holes: [],
    colour: '#D32F2F',
    marks: exclamation(7.5, 19, 23.5),
    markColour: '#FFFFFF',
    overlays: [],
  },
  security: {
    body: [
      {
        polygon: [
          [16, 1],
          [29, 5.5],
          [29, 15],
          ...quad([29, 15], [28, 26], [16, 31]).slice(1),
          ...quad([16, 31], [4, 26], [3, 15]).slice(1),
          [3, 5.5],
        ],
      },
    ],
    holes: [],
    colour: '#6A3FD6',
    marks: [
      circle(16, 12.5, 3.4),
      {
        polygon: [
          [14.6, 14],
          [17.4, 14],
          [18.6, 23],
          [13.4, 23],
        ],
      },
    ],
    markColour: '#FFFFFF',
    overlays: [],
  },
  disconnected: {
    body: [circle(16, 16, 14)],
    holes: [circle(16, 16, 9.8)],
    colour: '#8A8F98',
    marks: [],
    markColour: null,
    overlays: [stroke([6.5, 25.5], [25.5, 6.5], 3.6)],
  },
} satisfies Record<TrayState, IconDef>;

/** The application icon: an amber alarm bell on a dark rounded square. */
export const APP_ICON: IconDef = {
  body: [roundedRect(1, 1, 31, 31, 7)],
  holes: [],
  colour: '#17202B',
  marks: [
    circle(16, 12.5, 6.5),
    {
      polygon: [
        [9.5, 12.5],
        [22.5, 12.5],
        ...quad([22.5, 12.5], [22.5, 21], [26, 23.5]),
        [6, 23.5],
        ...quad([6, 23.5], [9.5, 21], [9.5, 12.5]),
      ],
    },
    rect(5.5, 23.2, 26.5, 25),
    circle(16, 26.8, 2.3),
    circle(16, 5.3, 1.6),
  ],
  markColour: '#F2A900',
  overlays: [],
};

type Tester = (x: number, y: number) => boolean;

/** Compile a primitive to a point test with a bounding-box early exit (rasterising 1024 px stays fast). */
function tester(p: Primitive): Tester {
  if ('circle' in p) {
    const [cx, cy, r] = p.circle;
    return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  }
  const pts = p.polygon;
  const xs = pts.map(([x]) => x);
  const ys = pts.map(([, y]) => y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  return (x, y) => {
    if (x < minX || x > maxX || y < minY || y > maxY) return false;
    let hit = false;
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const [xi, yi] = pts[i]!;
      const [xj, yj] = pts[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  };
}
function union(ps: readonly Primitive[]): Tester {
  const tests = ps.map(tester);
  return (x, y) => tests.some((t) => t(x, y));
}
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** Rasterise `icon` at `size`×`size`: colour, or a macOS Template image (black + alpha). */
export function rasterise(icon: IconDef, size: number, template: boolean): Rgba {
  const data = new Uint8Array(size * size * 4);
  const n = size >= 512 ? 1 : size >= 128 ? 2 : 5; // supersamples per axis: big icons need little smoothing
  const [inOverlay, inBody, inHole, inMark] = [
    union(icon.overlays),
    union(icon.body),
    union(icon.holes),
    union(icon.marks),
  ];
  const body = rgb(template ? '#000000' : icon.colour);
  const mark = icon.markColour && !template ? rgb(icon.markColour) : null;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = ((px + (sx + 0.5) / n) * 32) / size;
          const y = ((py + (sy + 0.5) / n) * 32) / size;
          let colour: [number, number, number] | null = null;
          if (inOverlay(x, y)) colour = body;
          else if (inBody(x, y) && !inHole(x, y)) colour = inMark(x, y) ? mark : body;
          if (colour) [r, g, b, a] = [r + colour[0], g + colour[1], b + colour[2], a + 1];
        }
      }
      if (a === 0) continue;
      const o = (py * size + px) * 4;
      data.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((255 * a) / (n * n))], o);
    }
  }
  return { width: size, height: size, data };
}

/** The same definition as an SVG document (a preview of the source, also shipped for Linux themes). */
export function toSvg(icon: IconDef): string {
  const el = (p: Primitive, fill: string) =>
    'circle' in p
      ? `<circle cx="${p.circle[0]}" cy="${p.circle[1]}" r="${p.circle[2]}" fill="${fill}"/>`
      : `<polygon points="${p.polygon.map(([x, y]) => `${+x.toFixed(3)},${+y.toFixed(3)}`).join(' ')}" fill="${fill}"/>`;
  const cut = [...icon.holes, ...(icon.markColour ? [] : icon.marks)];
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">',
    `<defs><mask id="cut"><rect width="32" height="32" fill="#fff"/>${cut.map((p) => el(p, '#000')).join('')}</mask></defs>`,
    `<g mask="url(#cut)">${icon.body.map((p) => el(p, icon.colour)).join('')}${icon.markColour ? icon.marks.map((p) => el(p, icon.markColour!)).join('') : ''}</g>`,
    icon.overlays.map((p) => el(p, icon.colour)).join(''),
    '</svg>',
    '',
  ].join('\n');
}
