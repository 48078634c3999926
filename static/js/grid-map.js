/* The public grid map: all area grids coloured by street, details on click, search, "which grid am I in". */
(function () {
  "use strict";
  var el = document.getElementById("grid-map");
  if (!el) { return; }
  var t = JSON.parse(document.getElementById("map-i18n").textContent);
  var status = document.getElementById("map-status");
  var map = RedGridMap.makeMap(el);
  var esc = RedGridMap.escapeHtml;
  var streetColour = {};
  document.querySelectorAll("#street-legend li").forEach(function (li, i) {
    streetColour[li.getAttribute("data-street")] = RedGridMap.colour(i);
    li.querySelector(".swatch").style.background = RedGridMap.colour(i);
  });
  var layersByCode = {};
  var features = [];
  var gridsLayer;

  function popupHtml(p) {
    return "<strong class='popup-title'>" + esc(p.name) + "</strong><br>" +
      esc(t.code) + ": " + esc(p.code) + "<br>" +
      esc(t.community) + ": " + esc(p.community) + "<br>" +
      esc(t.street) + ": " + esc(p.street) +
      // The grid head's name is public only where the district opts in (or for staff).
      (p.grid_head ? "<br>" + esc(t.gridHead) + ": " + esc(p.grid_head) : "");
  }

  function select(code) {
    var layer = layersByCode[code];
    if (!layer) { return false; }
    map.fitBounds(layer.getBounds(), { maxZoom: 15 });
    layer.openPopup();
    return true;
  }

  status.textContent = t.loading;
  fetch(el.getAttribute("data-grids-url"), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      features = data.features;
      gridsLayer = RedGridMap.geoJSON(map, data, {
        style: function (f) {
          return { color: "#ffffff", weight: 1, fillColor: streetColour[f.properties.street_code] || "#888", fillOpacity: 0.55 };
        },
        onEachFeature: function (f, layer) {
          layersByCode[f.properties.code] = layer;
          layer.bindPopup(popupHtml(f.properties));
          layer.on("mouseover", function () { layer.setStyle({ weight: 3 }); });
          layer.on("mouseout", function () { layer.setStyle({ weight: 1 }); });
        }
      }).addTo(map);
      if (features.length) { map.fitBounds(gridsLayer.getBounds()); }
      var list = document.getElementById("grid-names");
      features.forEach(function (f) {
        var o = document.createElement("option"); o.value = f.properties.name; list.appendChild(o);
      });
      status.textContent = features.length + " " + t.loaded;
      el.setAttribute("data-loaded", "true");
    });

  document.getElementById("grid-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var q = document.getElementById("grid-search-input").value.trim();
    if (!q) { return; }
    var match = features.find(function (f) { return f.properties.code === q || f.properties.name === q; }) ||
      features.find(function (f) { return f.properties.name.indexOf(q) >= 0 || f.properties.code.indexOf(q) === 0; });
    status.textContent = match && select(match.properties.code) ? match.properties.name : t.notFound;
  });

  document.getElementById("where-am-i").addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = t.noGeo; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = el.getAttribute("data-locate-url") + "?lon=" + pos.coords.longitude + "&lat=" + pos.coords.latitude;
      fetch(url).then(function (r) { return r.json(); }).then(function (res) {
        var here = map.redgrid.toDisplay(pos.coords.latitude, pos.coords.longitude);
        L.circleMarker(here, { radius: 7, color: "#000", fillColor: "#ffd400", fillOpacity: 1 }).addTo(map);
        if (!res.inside) { status.textContent = t.outside; map.setView(here, 13); return; }
        status.textContent = t.youAreIn + " " + res.grid.name + (res.subgrid ? " · " + res.subgrid.name : "");
        select(res.grid.code);
      });
    }, function () { status.textContent = t.geoDenied; }, { enableHighAccuracy: true, timeout: 10000 });
  });
})();
