/* Public map of service positions: pins from /positions/map.json (the list's filters; one short
   row per position: id, lon, lat, tier, open, name), and "nearest to me", which puts the browser's
   location into the filter form and submits it. With a location the map shows it together with
   the nearest positions. Pins draw on one canvas (hundreds of them), not one element each. */
(function () {
  "use strict";
  var el = document.getElementById("position-map");
  if (!el) { return; }
  var t = JSON.parse(document.getElementById("positions-i18n").textContent);
  var status = document.getElementById("map-status");
  var esc = RedGridMap.escapeHtml;
  var map = RedGridMap.makeMap(el, { preferCanvas: true });
  var colours = { centre: "#c0392b", grid_position: "#d68910", micro_site: "#2471a3" };
  var radius = { centre: 10, grid_position: 8, micro_site: 6 };
  var detailUrl = el.getAttribute("data-detail-url");
  var NEAREST_SHOWN = 5;
  // The area on screen ("west,south,east,north" as displayed), for anyone reading the page.
  map.on("moveend", function () { el.setAttribute("data-view", map.getBounds().toBBoxString()); });

  function popup(row) {
    var url = detailUrl.replace(/0\/$/, row.id + "/");
    return "<strong class='popup-title'>" + esc(row.name) + "</strong><br>" +
      esc(t.tiers[row.tier] || row.tier) + " · " + esc(row.open ? t.open : t.closed) +
      "<br><a href='" + esc(url) + "'>" + esc(t.details) + "</a>";
  }

  var started = window.performance ? performance.now() : 0;
  fetch(el.getAttribute("data-url"), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var at = {};
      data.fields.forEach(function (name, i) { at[name] = i; });
      var layer = L.featureGroup();
      var points = [];
      data.rows.forEach(function (values) {
        var row = { id: values[at.id], lon: values[at.lon], lat: values[at.lat], tier: values[at.tier],
                    open: values[at.open], name: values[at.name] };
        var shown = map.redgrid.toDisplay(row.lat, row.lon);
        points.push(shown);
        L.circleMarker(shown, {
          radius: radius[row.tier] || 6, color: "#fff", weight: 2, fillColor: colours[row.tier] || "#555",
          fillOpacity: row.open ? 0.95 : 0.45
        }).bindPopup(function () { return popup(row); }).addTo(layer);
      });
      layer.addTo(map);
      var lat = el.getAttribute("data-near-lat"), lon = el.getAttribute("data-near-lon");
      if (lat && lon) {
        var here = map.redgrid.toDisplay(parseFloat(lat), parseFloat(lon));
        L.circleMarker(here, { radius: 7, color: "#000", fillColor: "#ffd400", fillOpacity: 1 })
          .bindTooltip(t.you).addTo(map);
        // The rows come nearest first: show the visitor's place and the nearest few together.
        map.fitBounds(L.latLngBounds([here].concat(points.slice(0, NEAREST_SHOWN))),
                      { maxZoom: 16, padding: [24, 24] });
      } else if (points.length) {
        map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] });
      }
      el.setAttribute("data-count", String(data.rows.length));
      el.setAttribute("data-loaded", "true");
      if (window.performance) {
        el.setAttribute("data-render-ms", String(Math.round(performance.now() - started)));
      }
      if (!status.textContent) { status.textContent = data.rows.length + " " + t.shown; }
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
