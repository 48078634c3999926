/* Resident form: tap the map or use the phone's location to fill the hidden lat/lon fields
   (RedGridMap.pointPicker). Without JavaScript the map stays hidden and the community + address
   fields do the job. */
(function () {
  "use strict";
  var el = document.getElementById("rq-map");
  if (!el || !window.L) { return; }
  var t = JSON.parse(document.getElementById("rq-map-i18n").textContent);
  document.querySelectorAll(".js-only").forEach(function (n) { n.hidden = false; });
  var latInput = document.getElementById("id_lat");
  var lonInput = document.getElementById("id_lon");
  var status = document.getElementById("rq-map-status");
  var map = RedGridMap.makeMap(el);
  var marker = null;
  var here = document.getElementById("rq-place-here");
  var hereSeq = 0;
  status.textContent = t.tap;

  // "这里属于 光明社区第一网格" and the nearest known place (grids.gazetteer), after a tap or a pick.
  function tellWhere(lat, lon) {
    if (!here) { return; }
    var seq = ++hereSeq;
    var url = t.hereUrl + "?lat=" + encodeURIComponent(lat.toFixed(6)) + "&lon=" + encodeURIComponent(lon.toFixed(6));
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (seq !== hereSeq) { return; }
        here.textContent = data && data.text ? data.text : "";
        el.setAttribute("data-here", data && data.grid ? data.grid.code : "");
      })
      .catch(function () { if (seq === hereSeq) { here.textContent = ""; } });
  }

  function place(lat, lon, pan) {
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    var shown = map.redgrid.toDisplay(lat, lon);
    if (marker) { marker.setLatLng(shown); } else {
      marker = L.circleMarker(shown, { radius: 9, color: "#c0392b", weight: 3, fillOpacity: 0.6 }).addTo(map);
    }
    if (pan) { map.setView(shown, Math.max(map.getZoom(), 15)); }
    status.textContent = t.chosen;
    el.setAttribute("data-picked", "true");
    tellWhere(lat, lon);
  }

  // Without tiles: the communities' names and the known places for reference, not bare polygons.
  var refNode = document.getElementById("rq-reference-layer");
  if (refNode) {
    var ref = JSON.parse(refNode.textContent);
    var labels = L.layerGroup();
    (ref.areas || []).forEach(function (a) {
      var span = document.createElement("span");
      span.textContent = a.name;
      labels.addLayer(L.marker(map.redgrid.toDisplay(a.lat, a.lon), {
        icon: L.divIcon({ className: "rq-ref-label", html: span.outerHTML, iconSize: null }),
        interactive: false, keyboard: false
      }));
    });
    var places = L.layerGroup();
    (ref.places || []).forEach(function (p) {
      places.addLayer(L.circleMarker(map.redgrid.toDisplay(p.lat, p.lon), {
        radius: 4, color: "#2471a3", weight: 1, fillOpacity: 0.7, interactive: false
      }).bindTooltip(p.name, { direction: "top", offset: [0, -4] }));
    });
    labels.addTo(map);
    // Place names only when zoomed in enough to read them.
    function togglePlaces() {
      if (map.getZoom() >= 14) { places.addTo(map); places.eachLayer(function (m) { m.openTooltip(); }); }
      else { places.eachLayer(function (m) { m.closeTooltip(); }); map.removeLayer(places); }
    }
    map.on("zoomend", togglePlaces);
    togglePlaces();
    el.setAttribute("data-reference", "true");
  }

  // The place search: results as buttons that set the place (the form's own "Find" without JS).
  var findButton = document.getElementById("rq-place-find");
  var queryInput = document.getElementById("id_place_q");
  var results = document.getElementById("rq-place-results");
  var communitySelect = document.getElementById("id_community");
  function choose(p) {
    results.textContent = "";
    if (p.kind === "community") {
      if (communitySelect) {
        Array.prototype.forEach.call(communitySelect.options, function (o) {
          if (o.textContent === p.name) { communitySelect.value = o.value; }
        });
      }
      map.setView(map.redgrid.toDisplay(p.lat, p.lon), 14);
      status.textContent = t.tapExact;
      return;
    }
    if (p.kind === "grid") {
      map.setView(map.redgrid.toDisplay(p.lat, p.lon), 15);
      status.textContent = t.tapExact;
      return;
    }
    place(p.lat, p.lon, true);
  }
  if (findButton && queryInput && results) {
    findButton.addEventListener("click", function (ev) {
      ev.preventDefault();
      var q = queryInput.value.trim();
      if (!q) { queryInput.focus(); return; }
      results.textContent = "";
      var msg = document.createElement("p");
      msg.className = "help"; msg.setAttribute("role", "status"); msg.textContent = t.searching;
      results.appendChild(msg);
      fetch(t.placesUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (data) {
          results.textContent = "";
          if (!data.results.length) {
            msg.textContent = t.noMatch; results.appendChild(msg); return;
          }
          var list = document.createElement("ul");
          list.className = "rq-list rq-place-list";
          data.results.forEach(function (p) {
            var li = document.createElement("li");
            var b = document.createElement("button");
            b.type = "button";
            b.className = "rq-place-choice";
            var strong = document.createElement("strong");
            strong.textContent = p.name;
            var small = document.createElement("span");
            small.className = "help";
            var where = p.grid ? p.grid.name : (p.community && p.kind !== "community" ? p.community.name : "");
            small.textContent = " " + [p.kind_label, where, p.address].filter(Boolean).join(" · ");
            b.appendChild(strong); b.appendChild(small);
            b.addEventListener("click", function () { choose(p); });
            li.appendChild(b); list.appendChild(li);
          });
          results.appendChild(list);
        })
        .catch(function () { results.textContent = ""; msg.textContent = t.failed; results.appendChild(msg); });
    });
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

  document.getElementById("rq-geolocate").addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = t.noGeo; return; }
    status.textContent = t.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      place(pos.coords.latitude, pos.coords.longitude, true);
    }, function () { status.textContent = t.denied; }, { enableHighAccuracy: true, timeout: 10000 });
  });
})();
