/* Public map of service positions: pins from the GeoJSON API (same filters as the list), and
   "nearest to me" which puts the browser's location into the filter form and submits it. */
(function () {
  "use strict";
  var el = document.getElementById("position-map");
  if (!el) { return; }
  var t = JSON.parse(document.getElementById("positions-i18n").textContent);
  var status = document.getElementById("map-status");
  var esc = RedGridMap.escapeHtml;
  var map = RedGridMap.makeMap(el);
  var colours = { centre: "#c0392b", grid_position: "#d68910", micro_site: "#2471a3" };

  fetch(el.getAttribute("data-url"), { headers: { Accept: "application/geo+json, application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = RedGridMap.geoJSON(map, data, {
        pointToLayer: function (f, latlng) {
          var p = f.properties;
          return L.circleMarker(latlng, {
            radius: p.tier === "centre" ? 10 : (p.tier === "grid_position" ? 8 : 6),
            color: "#fff", weight: 2, fillColor: colours[p.tier] || "#555",
            fillOpacity: p.open_now ? 0.95 : 0.45
          });
        },
        onEachFeature: function (f, marker) {
          var p = f.properties;
          marker.bindPopup("<strong class='popup-title'>" + esc(p.name) + "</strong><br>" +
            esc(p.tier_label) + " · " + esc(p.open_now ? t.open : t.closed) + "<br>" +
            esc(p.address) + "<br><a href='" + esc(p.url) + "'>" + esc(t.details) + "</a>");
        }
      }).addTo(map);
      var lat = el.getAttribute("data-near-lat"), lon = el.getAttribute("data-near-lon");
      if (lat && lon) {
        var here = map.redgrid.toDisplay(parseFloat(lat), parseFloat(lon));
        L.circleMarker(here, { radius: 7, color: "#000", fillColor: "#ffd400", fillOpacity: 1 })
          .bindTooltip(t.you).addTo(map);
        map.setView(here, 15);
      } else if (data.features.length) {
        map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] });
      }
      el.setAttribute("data-count", String(data.features.length));
      el.setAttribute("data-loaded", "true");
      if (!status.textContent) { status.textContent = data.features.length + " " + t.shown; }
    });

  var button = document.getElementById("nearest");
  var form = document.getElementById("position-filters");
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = t.noGeo; return; }
    status.textContent = t.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("[name=lon]").value = pos.coords.longitude.toFixed(6);
      form.submit();
    }, function () { status.textContent = t.geoDenied; }, { enableHighAccuracy: true, timeout: 10000 });
  });
})();
