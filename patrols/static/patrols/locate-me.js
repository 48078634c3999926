/* Fill the hidden lon/lat inputs of a form from the phone's location before it is sent.
   Forms marked data-needs-position submit only once a position is known; others (findings)
   add it when the browser gives one quickly. */
(function () {
  "use strict";
  function fill(form, pos) {
    form.querySelector("input[name=lon]").value = pos.coords.longitude.toFixed(7);
    form.querySelector("input[name=lat]").value = pos.coords.latitude.toFixed(7);
  }
  document.querySelectorAll("form[data-position]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var lon = form.querySelector("input[name=lon]");
      if (lon.value || !navigator.geolocation) { return; }
      event.preventDefault();
      var status = form.querySelector("[data-position-status]");
      if (status) { status.textContent = form.dataset.locating || "…"; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        fill(form, pos);
        form.submit();
      }, function () {
        if (status) { status.textContent = form.dataset.noPosition || ""; }
        if (form.dataset.position !== "required") { form.submit(); }
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 30000});
    });
  });
})();
