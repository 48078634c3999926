/* Shared Leaflet set-up for every RedGrid map. Works with no tile server (the offline demo and the
   tests): grids and pins draw on a blank background. When the configured tile layer is GCJ-02, stored
   WGS-84 positions are shifted for display and clicks shifted back. */
(function (root) {
  "use strict";
  var PALETTE = ["#c0392b", "#2471a3", "#1e8449", "#b9770e", "#7d3c98", "#117a65", "#a04000", "#2e4053",
                 "#cb4335", "#1f618d"];

  // The page's words for the map controls (base.html: redgrid.context_processors.map_strings).
  var strings = (function () {
    var node = document.getElementById("redgrid-map-i18n");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  })();

  function makeMap(el, options) {
    options = options || {};
    // One role for every map: a labelled region (it holds focusable controls, so never "img").
    if (!el.getAttribute("role")) { el.setAttribute("role", "region"); }
    var map = L.map(el, { zoomControl: false, attributionControl: true, preferCanvas: !!options.preferCanvas });
    L.control.zoom({
      zoomInTitle: strings.zoomIn || "Zoom in",
      zoomOutTitle: strings.zoomOut || "Zoom out"
    }).addTo(map);
    map.attributionControl.setPrefix(escapeHtml(strings.attribution || "RedGrid"));
    var datum = el.getAttribute("data-tile-datum") || "wgs84";
    var tileUrl = el.getAttribute("data-tile-url");
    if (tileUrl) {
      L.tileLayer(tileUrl, { attribution: el.getAttribute("data-tile-attribution") || "", maxZoom: 19 }).addTo(map);
    } else {
      el.classList.add("map-blank");
    }
    // The first view: the district's extent (data-map-bounds, from its boundary), until the page's
    // own data (grids, a pin) moves the map; the whole country before any district is drawn.
    var bounds = (el.getAttribute("data-map-bounds") || "").split(",").map(Number);
    if (bounds.length === 4 && bounds.every(isFinite)) {
      map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]]);
    } else {
      map.setView([35, 104], 4);
    }
    var gcj = datum === "gcj02";
    map.redgrid = {
      toDisplay: function (lat, lon) {
        if (!gcj) { return [lat, lon]; }
        var p = RedGridCoords.wgs84ToGcj02(lon, lat); return [p[1], p[0]];
      },
      fromDisplay: function (latlng) {
        if (!gcj) { return { lat: latlng.lat, lon: latlng.lng }; }
        var p = RedGridCoords.gcj02ToWgs84(latlng.lng, latlng.lat); return { lat: p[1], lon: p[0] };
      },
      coordsToLatLng: function (coords) {
        if (!gcj) { return L.latLng(coords[1], coords[0]); }
        var p = RedGridCoords.wgs84ToGcj02(coords[0], coords[1]); return L.latLng(p[1], p[0]);
      }
    };
    return map;
  }

  function geoJSON(map, data, options) {
    options = Object.assign({ coordsToLatLng: map.redgrid.coordsToLatLng }, options || {});
    return L.geoJSON(data, options);
  }

  function colour(index) { return PALETTE[index % PALETTE.length]; }

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  root.RedGridMap = { makeMap: makeMap, geoJSON: geoJSON, colour: colour, escapeHtml: escapeHtml };
})(window);
