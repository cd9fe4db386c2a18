// The history plot's geometry: each series in the box, scaled to its own
// maximum, oldest on the left, gaps where a value is missing.
import assert from "node:assert/strict";
import { PLOT_HEIGHT, PLOT_WIDTH, plotSeries } from "../../scripts/fleet/plot.ts";

const coordinates = (points: string) => points.split(" ").map((pair) => pair.split(",").map(Number));

describe("fleet: the history plot", () => {
  it("one point sits in the middle, at the top (it is its own maximum)", () => {
    const series = plotSeries([812]);
    assert.deepEqual(series.last, { x: PLOT_WIDTH / 2, y: 3, value: 812 });
    assert.equal(series.points, `${PLOT_WIDTH / 2},3`);
    assert.equal(series.max, 812);
  });

  it("points spread left to right inside the box, the largest at the top and zero at the bottom", () => {
    const series = plotSeries([0, 50, 100, 25]);
    const xy = coordinates(series.points);
    assert.equal(xy.length, 4);
    assert.deepEqual(xy.map(([x]) => x), [3, 54.3, 105.7, 157]);
    assert.deepEqual(xy.map(([, y]) => y), [PLOT_HEIGHT - 3, 18, 3, 25.5]);
    for (const [x, y] of xy) assert.ok(x >= 0 && x <= PLOT_WIDTH && y >= 0 && y <= PLOT_HEIGHT);
    assert.deepEqual(series.last, { x: 157, y: 25.5, value: 25 });
  });

  it("a missing value leaves a gap; none at all, no points", () => {
    assert.equal(coordinates(plotSeries([10, null, 10]).points).length, 2);
    assert.deepEqual(plotSeries([null, null]), { points: "", last: null, max: 0 });
    assert.deepEqual(plotSeries([]), { points: "", last: null, max: 0 });
  });

  it("all zeros lie on the bottom line", () => {
    assert.deepEqual(coordinates(plotSeries([0, 0]).points).map(([, y]) => y), [PLOT_HEIGHT - 3, PLOT_HEIGHT - 3]);
  });
});
