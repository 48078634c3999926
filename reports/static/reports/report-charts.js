/* Monthly report charts: one ECharts bar chart per section (counts, this month vs the month
   before). Data comes from the json_script element "report-charts"; no inline scripts (CSP). */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  document.querySelectorAll(".report-chart").forEach(function (el) {
    var section = data.sections[Number(el.getAttribute("data-chart-index"))];
    if (!section || section.labels.length === 0) { el.hidden = true; return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: data.series, top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: section.labels, inverse: true },
      series: [
        { name: data.series[0], type: "bar", data: section.current, itemStyle: { color: "#c8102e" } },
        { name: data.series[1], type: "bar", data: section.previous, itemStyle: { color: "#9aa0a6" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
