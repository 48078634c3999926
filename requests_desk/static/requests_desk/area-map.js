/* An area's public page: its boundary and the public reports of the month (approximate points,
   requests_desk.public). The list under the map says the same without JavaScript. */
(function () {
  "use strict";
  var el = document.getElementById("area-map");
  var node = document.getElementById("area-map-data");
  if (!el || !node || !window.L) { return; }
  var data = JSON.parse(node.textContent);
  var map = RedGridMap.makeMap(el);
  var bounds = null;
  if (data.boundary) {
    var outline = RedGridMap.geoJSON(map, data.boundary, {
      style: function () { return { color: "#c0392b", weight: 2, fillOpacity: 0.04 }; }, interactive: false
    }).addTo(map);
    bounds = outline.getBounds();
  }
  (data.points || []).forEach(function (p) {
    var m = L.circleMarker(map.redgrid.toDisplay(p.lat, p.lon), {
      radius: 7, color: p.closed ? "#1e8449" : "#c0392b", weight: 2, fillOpacity: 0.6
    }).addTo(map);
    var a = document.createElement("a");
    a.href = p.url; a.textContent = p.title;
    m.bindPopup(a);
  });
  if (bounds && bounds.isValid()) { map.fitBounds(bounds); }
  el.setAttribute("data-loaded", "true");
})();
