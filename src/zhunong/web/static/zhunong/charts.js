// Charts drawn from data the page embeds with json_script (no inline scripts: see the CSP).

// A chart's legend stands above its plot, with room for two lines: ECharts 6 puts it at the
// bottom by default, where long labels (English ones, or any on a phone) wrap into two lines
// over the axis labels, and it leaves no room for the legend in the grid on its own.
const LEGEND_ROOM = 64;
(function () {
  const el = document.querySelector(".js-activation-chart");
  const source = document.getElementById("activation-data");
  if (!el || !source || !window.echarts) return;
  const rows = JSON.parse(source.textContent);
  const chart = echarts.init(el);
  const rate = rows.map((r) => (r.units ? Math.round((r.activated / r.units) * 10000) / 100 : 0));
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [el.dataset.labelUnits, el.dataset.labelActivated, el.dataset.labelRate] },
    grid: { top: LEGEND_ROOM, left: 40, right: 50, bottom: 20, containLabel: true },
    xAxis: { type: "category", data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: [
      { type: "value", name: el.dataset.labelUnits },
      { type: "value", name: "%", max: 100, position: "right" },
    ],
    series: [
      { name: el.dataset.labelUnits, type: "bar", data: rows.map((r) => r.units), itemStyle: { color: "#a3cfbb" } },
      { name: el.dataset.labelActivated, type: "bar", data: rows.map((r) => r.activated), itemStyle: { color: "#198754" } },
      { name: el.dataset.labelRate, type: "line", yAxisIndex: 1, data: rate, itemStyle: { color: "#fd7e14" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();

// The dashboard: completion by sub-region against time progress, and the cumulative curve.
(function () {
  const source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const regionEl = document.querySelector(".js-region-chart");
  if (regionEl) {
    const chart = echarts.init(regionEl);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [regionEl.dataset.labelCompletion, regionEl.dataset.labelExpected] },
      grid: { top: LEGEND_ROOM, left: 40, right: 20, bottom: 20, containLabel: true },
      // on a phone the names stand upright and smaller, so sixteen districts stay readable
      xAxis: {
        type: "category",
        data: data.by_region.map((r) => r.name),
        axisLabel: regionEl.clientWidth < 600 ? { interval: 0, rotate: 90, fontSize: 10 } : { interval: 0, rotate: 30 },
      },
      yAxis: { type: "value", name: "%" },
      series: [
        { name: regionEl.dataset.labelCompletion, type: "bar", data: data.by_region.map((r) => r.completion), itemStyle: { color: "#198754" } },
        { name: regionEl.dataset.labelExpected, type: "line", data: data.by_region.map(() => data.expected), symbol: "none", lineStyle: { type: "dashed", color: "#fd7e14" }, itemStyle: { color: "#fd7e14" } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  const curveEl = document.querySelector(".js-curve-chart");
  if (curveEl) {
    const chart = echarts.init(curveEl);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [curveEl.dataset.labelCompleted, curveEl.dataset.labelExpected] },
      grid: { top: LEGEND_ROOM, left: 40, right: 20, bottom: 20, containLabel: true },
      xAxis: { type: "category", data: data.curve.map((p) => p.month) },
      yAxis: { type: "value" },
      series: [
        { name: curveEl.dataset.labelCompleted, type: "line", data: data.curve.map((p) => Number(p.completed_wan)), itemStyle: { color: "#198754" }, areaStyle: { opacity: 0.15 } },
        { name: curveEl.dataset.labelExpected, type: "line", data: data.curve.map((p) => Number(p.expected_wan)), lineStyle: { type: "dashed" }, itemStyle: { color: "#fd7e14" } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }
})();

// A listing's price history (step line: a price holds until the next change).
(function () {
  const el = document.querySelector(".js-price-chart");
  const source = document.getElementById("price-history");
  if (!el || !source || !window.echarts) return;
  const rows = JSON.parse(source.textContent);
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 20, bottom: 30, containLabel: true },
    xAxis: { type: "category", data: rows.map((r) => r.on) },
    yAxis: { type: "value", name: el.dataset.label, scale: true },
    series: [{ type: "line", step: "end", data: rows.map((r) => Number(r.price)), itemStyle: { color: "#198754" } }],
  });
  window.addEventListener("resize", () => chart.resize());
})();

// A county's suppliers' completed sales per month.
(function () {
  const el = document.querySelector(".js-sales-chart");
  const source = document.getElementById("sales-data");
  if (!el || !source || !window.echarts) return;
  const rows = JSON.parse(source.textContent);
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 20, bottom: 30, containLabel: true },
    xAxis: { type: "category", data: rows.map((r) => r.month.slice(5) + "月") },
    yAxis: { type: "value", name: el.dataset.label },
    series: [{ type: "bar", data: rows.map((r) => Number(r.completed)), itemStyle: { color: "#198754" } }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
