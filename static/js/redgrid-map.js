/* Shared Leaflet set-up for every RedGrid map. Works with no tile server (the offline demo and the
   tests): grids and pins draw on a blank background. When the configured tile layer is GCJ-02, stored
   WGS-84 positions are shifted for display and clicks shifted back. */
(function (root) {
  "use strict";
  var PALETTE = ["#c0392b", "#2471a3", "#1e8449", "#b9770e", "#7d3c98", "#117a65", "#a04000", "#2e4053",
                 "#cb4335", "#1f618d"];

  // The page's words for the map controls (base.html's {% map_strings_script %}: redgrid.context_processors.map_strings).
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

  /* A map that picks a point for a form's hidden id_lat/id_lon fields: tap it or use the phone's
     location. The page names its parts with one prefix: <prefix>-map (data-grids-url: the grids
     drawn under it), <prefix>-map-i18n (tap, chosen, locating, noGeo, denied), <prefix>-map-status
     and the <prefix>-geolocate button. options.zoom: the zoom a located point is shown at;
     options.onPlace(lat, lon, picker): called after each point chosen (picker: el, status, t). */
  function pointPicker(prefix, options) {
    var el = document.getElementById(prefix + "-map");
    if (!el || !window.L) { return null; }
    var t = JSON.parse(document.getElementById(prefix + "-map-i18n").textContent);
    document.querySelectorAll(".js-only").forEach(function (n) { n.hidden = false; });
    var latInput = document.getElementById("id_lat");
    var lonInput = document.getElementById("id_lon");
    var status = document.getElementById(prefix + "-map-status");
    var map = makeMap(el);
    var marker = null;
    var picker = { el: el, status: status, t: t, map: map };
    status.textContent = t.tap;

    function place(lat, lon, pan) {
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
      var shown = map.redgrid.toDisplay(lat, lon);
      if (marker) { marker.setLatLng(shown); } else {
        marker = L.circleMarker(shown, { radius: 9, color: "#c0392b", weight: 3, fillOpacity: 0.6 }).addTo(map);
      }
      if (pan) { map.setView(shown, Math.max(map.getZoom(), options.zoom)); }
      status.textContent = t.chosen;
      if (options.onPlace) { options.onPlace(lat, lon, picker); }
    }

    fetch(el.getAttribute("data-grids-url"), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = geoJSON(map, data, { style: function () {
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

    document.getElementById(prefix + "-geolocate").addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = t.noGeo; return; }
      status.textContent = t.locating;
      navigator.geolocation.getCurrentPosition(function (pos) {
        place(pos.coords.latitude, pos.coords.longitude, true);
      }, function () { status.textContent = t.denied; }, { enableHighAccuracy: true, timeout: 10000 });
    });
    return picker;
  }

  function colour(index) { return PALETTE[index % PALETTE.length]; }

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  root.RedGridMap = {
    makeMap: makeMap, geoJSON: geoJSON, pointPicker: pointPicker, colour: colour, escapeHtml: escapeHtml
  };
})(window);
