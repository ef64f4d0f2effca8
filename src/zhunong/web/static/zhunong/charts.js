// Charts drawn from data the page embeds with json_script (no inline scripts: see the CSP).
(function () {
  const el = document.querySelector(".js-activation-chart");
  const source = document.getElementById("activation-data");
  if (!el || !source || !window.echarts) return;
  const rows = JSON.parse(source.textContent);
  const chart = echarts.init(el);
  const rate = rows.map((r) => (r.units ? Math.round((r.activated / r.units) * 10000) / 100 : 0));
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [el.dataset.labelUnits, el.dataset.labelActivated, el.dataset.labelRate] },
    grid: { left: 40, right: 50, bottom: 60, containLabel: true },
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
