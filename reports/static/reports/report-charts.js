/* Monthly report charts: one ECharts bar chart per section (counts, this month vs the month
   before). Data comes from the json_script element "report-charts"; no inline scripts (CSP).
   ECharts' small build (echarts.simple.min.js: no legend component): the legend is HTML after
   each chart; the table under it gives the figures. */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#b71c1c", "#9aa0a6"];
  document.querySelectorAll(".report-chart").forEach(function (el) {
    var section = data.sections[Number(el.getAttribute("data-chart-index"))];
    if (!section || section.labels.length === 0) { el.hidden = true; return; }
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 8, bottom: 8, top: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: section.labels, inverse: true },
      series: [
        { name: data.series[0], type: "bar", data: section.current, itemStyle: { color: colours[0] } },
        { name: data.series[1], type: "bar", data: section.previous, itemStyle: { color: colours[1] } }
      ]
    });
    var legend = document.createElement("ul");
    legend.className = "chart-legend";
    data.series.forEach(function (name, i) {
      var li = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colours[i];
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(name));
      legend.appendChild(li);
    });
    el.parentNode.insertBefore(legend, el.nextSibling);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
