/* A position's page: its pin on a small map. */
(function () {
  "use strict";
  var el = document.getElementById("position-map");
  if (!el) { return; }
  var map = RedGridMap.makeMap(el);
  var here = map.redgrid.toDisplay(parseFloat(el.getAttribute("data-lat")), parseFloat(el.getAttribute("data-lon")));
  L.circleMarker(here, { radius: 9, color: "#fff", weight: 2, fillColor: "#c0392b", fillOpacity: 0.95 })
    .bindTooltip(el.getAttribute("data-name")).addTo(map);
  map.setView(here, 16);
})();
