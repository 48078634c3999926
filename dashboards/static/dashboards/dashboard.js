/* The working page: the area's map (grids or sub-grids, key places, service positions, open
   requests coloured by stage and overdue state; a pin opens its case) and the inline htmx actions. */
(function () {
  "use strict";
  var el = document.getElementById("dash-map");
  var layersNode = document.getElementById("dash-layers");
  if (!el || !layersNode) { return; }
  var data = JSON.parse(layersNode.textContent);
  var t = JSON.parse(document.getElementById("dash-i18n").textContent);
  var esc = RedGridMap.escapeHtml;
  var map = RedGridMap.makeMap(el);
  var bounds = null;

  function extend(layerBounds) {
    if (!layerBounds || !layerBounds.isValid()) { return; }
    bounds = bounds ? bounds.extend(layerBounds) : L.latLngBounds(layerBounds.getSouthWest(), layerBounds.getNorthEast());
  }

  if (data.grids && data.grids.features.length) {
    var grids = RedGridMap.geoJSON(map, data.grids, {
      style: function () { return { color: "#8e1414", weight: 2, fillColor: "#b71c1c", fillOpacity: 0.05 }; },
      onEachFeature: function (f, layer) { layer.bindTooltip(esc(f.properties.name)); }
    }).addTo(map);
    extend(grids.getBounds());
  }
  if (data.subgrids && data.subgrids.features.length) {
    RedGridMap.geoJSON(map, data.subgrids, {
      style: function () { return { color: "#5f6368", weight: 1, dashArray: "4 3", fill: false }; },
      onEachFeature: function (f, layer) { layer.bindTooltip(esc(t.subgrid + " " + f.properties.name)); }
    }).addTo(map);
  }
  (data.places || []).forEach(function (p) {
    L.circleMarker(map.redgrid.toDisplay(p.lat, p.lon), { radius: 5, color: "#2e4053", weight: 1, fillColor: "#5dade2", fillOpacity: 0.9 })
      .bindTooltip(esc(t.keyPlace + ": " + p.name + " (" + p.kind + ")")).addTo(map);
  });
  (data.positions || []).forEach(function (p) {
    L.circleMarker(map.redgrid.toDisplay(p.lat, p.lon), { radius: 6, color: "#7d3c98", weight: 2, fillColor: "#f5b7b1", fillOpacity: 0.9 })
      .bindTooltip(esc(t.position + ": " + p.name + " · " + p.tier)).addTo(map);
  });

  var overdueCount = 0;
  (data.requests || []).forEach(function (r) {
    if (r.state === "overdue") { overdueCount += 1; }
    var label = r.code + " · " + r.stageLabel + (r.state === "overdue" ? " · " + t.overdue : r.state === "nearly" ? " · " + t.nearlyDue : "");
    var icon = L.divIcon({
      className: "dash-pin pin-stage-" + r.stage + " pin-state-" + r.state,
      html: "<span class='visually-hidden'>" + esc(label) + "</span>",
      iconSize: [18, 18], iconAnchor: [9, 9]
    });
    // Pins are for the eye and the mouse: keyboard and screen-reader users have the same cases
    // in the lists beside the map (each with its link), so the pins add no tab stop before them.
    var marker = L.marker(map.redgrid.toDisplay(r.lat, r.lon), { icon: icon, title: label, riseOnHover: true,
      keyboard: false, zIndexOffset: r.state === "overdue" ? 1000 : r.state === "nearly" ? 500 : 0 });
    marker.bindTooltip(esc(label + " · " + r.category));
    marker.on("click", function () { window.location.href = r.url; });
    marker.addTo(map);
    var node = marker.getElement();
    if (node) {
      node.setAttribute("data-code", r.code); node.setAttribute("data-state", r.state);
      node.setAttribute("aria-hidden", "true");
    }
  });
  if (bounds) { map.fitBounds(bounds, { padding: [10, 10] }); }
  var status = document.getElementById("dash-map-status");
  if (status) { status.textContent = t.onMap.replace("%(open)s", (data.requests || []).length).replace("%(overdue)s", overdueCount); }
  el.setAttribute("data-loaded", "true");

  // The requests desk answers a refused action with 400 and the form with its errors: show it.
  document.body.addEventListener("htmx:beforeSwap", function (evt) {
    if (evt.detail.xhr && evt.detail.xhr.status === 400) { evt.detail.shouldSwap = true; evt.detail.isError = false; }
  });
})();
