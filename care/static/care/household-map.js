/* Register a household: tap the map or use the phone's location to fill the hidden lat/lon
   fields; the grid the point lies in is shown (grids API "locate"). Without JavaScript the map
   stays hidden and the area grid field does the job. */
(function () {
  "use strict";
  var el = document.getElementById("hh-map");
  if (!el || !window.L) { return; }
  var t = JSON.parse(document.getElementById("hh-map-i18n").textContent);
  document.querySelectorAll(".js-only").forEach(function (n) { n.hidden = false; });
  var latInput = document.getElementById("id_lat");
  var lonInput = document.getElementById("id_lon");
  var status = document.getElementById("hh-map-status");
  var map = RedGridMap.makeMap(el);
  var marker = null;
  status.textContent = t.tap;

  function where(lat, lon) {
    var url = el.getAttribute("data-locate-url") + "?lon=" + lon.toFixed(6) + "&lat=" + lat.toFixed(6);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        status.textContent = res.inside ? t.inGrid + " " + res.grid.name + (res.subgrid ? " · " + res.subgrid.name : "") : t.outside;
        el.setAttribute("data-located", res.inside ? res.grid.code : "outside");
      })
      .catch(function () { status.textContent = t.chosen; });
  }

  function place(lat, lon, pan) {
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    var shown = map.redgrid.toDisplay(lat, lon);
    if (marker) { marker.setLatLng(shown); } else {
      marker = L.circleMarker(shown, { radius: 9, color: "#c0392b", weight: 3, fillOpacity: 0.6 }).addTo(map);
    }
    if (pan) { map.setView(shown, Math.max(map.getZoom(), 16)); }
    status.textContent = t.chosen;
    where(lat, lon);
  }

  fetch(el.getAttribute("data-grids-url"), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = RedGridMap.geoJSON(map, data, { style: function () {
        return { color: "#c0392b", weight: 1, fillOpacity: 0.04 };
      }, interactive: false }).addTo(map);
      if (data.features && data.features.length && !marker) { map.fitBounds(layer.getBounds()); }
      el.setAttribute("data-loaded", "true");
    })
    .catch(function () { el.setAttribute("data-loaded", "true"); });

  map.on("click", function (e) {
    var p = map.redgrid.fromDisplay(e.latlng);
    place(p.lat, p.lon, false);
  });
  if (latInput.value && lonInput.value) { place(parseFloat(latInput.value), parseFloat(lonInput.value), true); }

  document.getElementById("hh-geolocate").addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = t.noGeo; return; }
    status.textContent = t.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      place(pos.coords.latitude, pos.coords.longitude, true);
    }, function () { status.textContent = t.denied; }, { enableHighAccuracy: true, timeout: 10000 });
  });
})();
