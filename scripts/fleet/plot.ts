// The history plot's geometry (pure; the web page draws it as SVG): each
// series scaled to its own maximum, oldest point on the left.

export const PLOT_WIDTH = 160;
export const PLOT_HEIGHT = 36;
/** Room at the edges so that a point's dot is not cut in half. */
const PAD = 3;

export interface PlotSeries {
  /** SVG polyline points, "x,y x,y ...": the values that are numbers. */
  points: string;
  /** The newest point, for its dot; null when there is none. */
  last: { x: number; y: number; value: number } | null;
  max: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** One series of a device's history, placed in the plot's box. */
export function plotSeries(values: Array<number | null>, width = PLOT_WIDTH, height = PLOT_HEIGHT): PlotSeries {
  const numbers = values.filter((value): value is number => typeof value === "number" && Number.isFinite(value));
  const max = Math.max(0, ...numbers);
  const step = values.length > 1 ? (width - 2 * PAD) / (values.length - 1) : 0;
  const placed: Array<{ x: number; y: number; value: number }> = [];
  values.forEach((value, i) => {
    if (typeof value !== "number" || !Number.isFinite(value)) return;
    const x = values.length > 1 ? PAD + i * step : width / 2;
    const y = height - PAD - (max > 0 ? (Math.max(0, value) / max) * (height - 2 * PAD) : 0);
    placed.push({ x: round(x), y: round(y), value });
  });
  return { points: placed.map((point) => `${point.x},${point.y}`).join(" "), last: placed[placed.length - 1] ?? null, max };
}
