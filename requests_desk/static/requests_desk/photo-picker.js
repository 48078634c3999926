// The resident form's photos (requests_desk/_report_fields.html): without JavaScript the file
// input works as it is. With it, a large "add photos" button opens the picker, each choice is
// added to the ones before (up to the form's limit, minus the photos kept from an earlier
// round), and the chosen photos show as previews, each with a button to remove it. The files
// stay in the input (DataTransfer), so the form sends them as usual.
(function () {
  "use strict";
  var field = document.querySelector("[data-photo-picker]");
  var i18nNode = document.getElementById("rq-photo-i18n");
  if (!field || !i18nNode || typeof DataTransfer === "undefined") return;
  var input = field.querySelector("input[type=file]");
  var button = field.querySelector(".rq-upload-button");
  var status = field.querySelector(".rq-photo-count");
  var list = field.querySelector(".rq-photo-previews");
  var i18n = JSON.parse(i18nNode.textContent);
  var room = Math.max(0, parseInt(field.getAttribute("data-max"), 10) - parseInt(field.getAttribute("data-kept") || "0", 10));
  var chosen = new DataTransfer();
  var urls = [];

  function say(text, n) { return text.replace("%(n)s", String(n)); }

  function render() {
    urls.forEach(function (url) { URL.revokeObjectURL(url); });
    urls = [];
    list.textContent = "";
    Array.prototype.forEach.call(chosen.files, function (file, index) {
      var item = document.createElement("li");
      var img = document.createElement("img");
      var url = URL.createObjectURL(file);
      urls.push(url);
      img.src = url;
      img.alt = say(i18n.photo, index + 1);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "rq-photo-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", say(i18n.remove, index + 1));
      remove.addEventListener("click", function () {
        var kept = new DataTransfer();
        Array.prototype.forEach.call(chosen.files, function (f, i) { if (i !== index) kept.items.add(f); });
        chosen = kept;
        input.files = chosen.files;
        render();
        button.focus();
      });
      item.appendChild(img);
      item.appendChild(remove);
      list.appendChild(item);
    });
    var n = chosen.files.length;
    list.hidden = n === 0;
    var left = room - n;
    status.textContent = n ? say(i18n.chosen, n) + " " + (left > 0 ? say(i18n.room, left) : i18n.full) : "";
    button.disabled = left <= 0;
  }

  input.addEventListener("change", function () {
    Array.prototype.forEach.call(input.files, function (file) {
      if (chosen.files.length < room && file.type.indexOf("image/") === 0) chosen.items.add(file);
    });
    input.files = chosen.files;
    render();
  });
  button.addEventListener("click", function () { input.click(); });
  input.classList.add("visually-hidden");
  input.tabIndex = -1;
  button.hidden = false;
  render();
})();
