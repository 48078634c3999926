/* Coverage report map: area grids without a grid service position in red, micro-sites as dots. */
(function () {
  "use strict";
  var el = document.getElementById("coverage-map");
  if (!el) { return; }
  var gaps = JSON.parse(document.getElementById("coverage-gaps").textContent);
  var gapGrids = {};
  gaps.grids.forEach(function (code) { gapGrids[code] = true; });
  var map = RedGridMap.makeMap(el);
  var esc = RedGridMap.escapeHtml;
  fetch(el.getAttribute("data-grids-url"), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = RedGridMap.geoJSON(map, data, {
        style: function (f) {
          var gap = gapGrids[f.properties.code];
          return { color: "#ffffff", weight: 1, fillColor: gap ? "#c0392b" : "#95a5a6",
                   fillOpacity: gap ? 0.7 : 0.3 };
        },
        onEachFeature: function (f, l) { l.bindTooltip(esc(f.properties.name)); }
      }).addTo(map);
      if (data.features.length) { map.fitBounds(layer.getBounds()); }
      return fetch(el.getAttribute("data-positions-url"));
    })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      RedGridMap.geoJSON(map, data, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 4, color: "#fff", weight: 1, fillColor: "#2471a3", fillOpacity: 0.9 });
        },
        onEachFeature: function (f, l) { l.bindTooltip(esc(f.properties.name)); }
      }).addTo(map);
      el.setAttribute("data-loaded", "true");
    });
})();
