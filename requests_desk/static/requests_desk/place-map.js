/* Staff placing a request reported without a point ("place" action): tap its place on the map
   of its community; the hidden lat/lon of the action's form are filled and the grid is named.
   Without JavaScript the grid select does the job. */
(function () {
  "use strict";
  var el = document.getElementById("rq-place-map");
  if (!el || !window.L) { return; }
  el.hidden = false;
  var form = document.querySelector("form.rq-action-form");
  var lat = form && form.querySelector("input[name=lat]");
  var lon = form && form.querySelector("input[name=lon]");
  var here = document.getElementById("rq-place-here");
  var map = RedGridMap.makeMap(el);
  var marker = null;
  fetch(el.getAttribute("data-grids-url"), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = RedGridMap.geoJSON(map, data, {
        style: function () { return { color: "#c0392b", weight: 1, fillOpacity: 0.05 }; },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "rq-ref-label" }); },
        interactive: false
      }).addTo(map);
      if (data.features && data.features.length) { map.fitBounds(layer.getBounds()); }
      el.setAttribute("data-loaded", "true");
    })
    .catch(function (e) { el.setAttribute("data-error", String(e)); el.setAttribute("data-loaded", "true"); });
  map.on("click", function (e) {
    if (!lat || !lon) { return; }
    var p = map.redgrid.fromDisplay(e.latlng);
    lat.value = p.lat.toFixed(6); lon.value = p.lon.toFixed(6);
    if (marker) { marker.setLatLng(e.latlng); } else {
      marker = L.circleMarker(e.latlng, { radius: 9, color: "#c0392b", weight: 3, fillOpacity: 0.6 }).addTo(map);
    }
    fetch(el.getAttribute("data-here-url") + "?lat=" + p.lat.toFixed(6) + "&lon=" + p.lon.toFixed(6), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (here) { here.textContent = d && d.text ? d.text : ""; } });
  });
})();
