/* The overview: area grids coloured by the chosen indicator (a 5-class choropleth), a click
   drills down to the grid; 12-month trend charts with ECharts (each has a table alternative). */
(function () {
  "use strict";
  var el = document.getElementById("ov-map");
  var geoNode = document.getElementById("ov-geo");
  if (!el || !geoNode) { return; }
  var geo = JSON.parse(geoNode.textContent);
  var t = JSON.parse(document.getElementById("ov-i18n").textContent);
  var esc = RedGridMap.escapeHtml;
  var map = RedGridMap.makeMap(el);
  // Light (low) to dark (high) reds; reversed when a high value is bad is not needed: darker
  // always means a larger number, and the legend states the ranges.
  var COLOURS = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
  var key = geo.indicator;
  var values = geo.grids.features.map(function (f) { return key ? f.properties.values[key] : null; })
    .filter(function (v) { return v !== null && v !== undefined; });
  var min = values.length ? Math.min.apply(null, values) : 0;
  var max = values.length ? Math.max.apply(null, values) : 0;
  var step = (max - min) / COLOURS.length || 1;

  function classOf(v) {
    if (v === null || v === undefined) { return -1; }
    return Math.min(COLOURS.length - 1, Math.floor((v - min) / step));
  }
  function fmt(v) {
    if (v === null || v === undefined) { return t.noData; }
    return geo.unit === "rate" ? v.toFixed(1) + "%" : String(Math.round(v * 10) / 10);
  }

  var layer = RedGridMap.geoJSON(map, geo.grids, {
    style: function (f) {
      var c = classOf(key ? f.properties.values[key] : null);
      return { color: "#ffffff", weight: 1, fillColor: c < 0 ? "#cfd8dc" : COLOURS[c], fillOpacity: 0.85 };
    },
    onEachFeature: function (f, lyr) {
      var p = f.properties;
      var text = p.name + (key ? " · " + geo.label + ": " + fmt(p.values[key]) : "") + " · " + t.population + ": " + p.population;
      lyr.bindTooltip(esc(text));
      lyr.bindPopup("<strong>" + esc(p.name) + "</strong><br>" + esc(text) + "<br><a href='" + esc(p.url + (key ? "&indicator=" + key : "")) + "'>" + esc(t.drillDown) + "</a>");
    }
  }).addTo(map);
  if (geo.grids.features.length) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
  el.setAttribute("data-loaded", "true");
  el.setAttribute("data-indicator", key || "");

  var legend = document.getElementById("ov-legend");
  if (legend && key && values.length) {
    COLOURS.forEach(function (colour, i) {
      var li = document.createElement("li");
      var sw = document.createElement("span"); sw.className = "swatch"; sw.style.background = colour;
      li.appendChild(sw);
      li.appendChild(document.createTextNode(fmt(min + step * i) + " – " + fmt(min + step * (i + 1))));
      legend.appendChild(li);
    });
    var none = document.createElement("li");
    var sw0 = document.createElement("span"); sw0.className = "swatch"; sw0.style.background = "#cfd8dc";
    none.appendChild(sw0); none.appendChild(document.createTextNode(t.noData)); legend.appendChild(none);
  }

  var trendNode = document.getElementById("ov-trend");
  var trend = trendNode ? JSON.parse(trendNode.textContent) : null;
  if (trend && trend.length && window.echarts) {
    var ct = JSON.parse(document.getElementById("ov-chart-i18n").textContent);
    var months = trend.map(function (r) { return r.month; });
    // ECharts' small build (echarts.simple.min.js: line and bar charts on a canvas, no legend or
    // tooltip component): each chart gets a legend in HTML after it, and the table under it gives
    // the figures.
    var palette = ["#b71c1c", "#5f6368", "#1e7e34"];
    function series(name, field, type, index) {
      return { name: name, type: type, color: palette[index],
               data: trend.map(function (r) { return r[field]; }) };
    }
    function legendAfter(el, names) {
      var ul = document.createElement("ul");
      ul.className = "chart-legend";
      names.forEach(function (name, i) {
        var li = document.createElement("li");
        var sw = document.createElement("span"); sw.className = "swatch"; sw.style.background = palette[i];
        li.appendChild(sw); li.appendChild(document.createTextNode(name)); ul.appendChild(li);
      });
      el.parentNode.insertBefore(ul, el.nextSibling);
    }
    var volumeEl = document.getElementById("ov-chart-volume");
    var volume = echarts.init(volumeEl);
    volume.setOption({
      grid: { left: 40, right: 12, top: 12, bottom: 28 },
      xAxis: { type: "category", data: months }, yAxis: { type: "value" },
      series: [series(ct.received, "received", "bar", 0), series(ct.closed, "closed", "bar", 1)]
    });
    legendAfter(volumeEl, [ct.received, ct.closed]);
    var ratesEl = document.getElementById("ov-chart-rates");
    var rates = echarts.init(ratesEl);
    rates.setOption({
      grid: { left: 40, right: 12, top: 12, bottom: 28 },
      xAxis: { type: "category", data: months }, yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [series(ct.onTime, "on_time_closure_rate", "line", 0), series(ct.satisfaction, "satisfaction", "line", 1),
               series(ct.overdue, "overdue_rate", "line", 2)]
    });
    legendAfter(ratesEl, [ct.onTime, ct.satisfaction, ct.overdue]);
    window.addEventListener("resize", function () { volume.resize(); rates.resize(); });
  }
})();
