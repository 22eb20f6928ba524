/* fieldapp: the turfs list without reloads. The same forms the page posts without JavaScript
 * are sent with Accept: application/json; the changed rows come back as HTML and replace their
 * old selves, so the organizer stays where they were in a long list. Take back and archive ask
 * first, in the server's words (it names the volunteers whose assignments end). */
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form || !window.fetch) return;
  var status = document.getElementById("bulk-status");
  var table = document.getElementById("turf-table");
  var pickAll = document.getElementById("pick-all");
  var pickedCount = document.getElementById("picked-count");

  function boxes() { return table.querySelectorAll("tbody input[name=turf]"); }
  function countPicked() {
    var n = Array.prototype.filter.call(boxes(), function (b) { return b.checked; }).length;
    pickedCount.textContent = n ? "(" + n + " picked)" : "";
  }
  pickAll.addEventListener("change", function () {
    boxes().forEach(function (b) { b.checked = pickAll.checked; }); countPicked();
  });
  table.addEventListener("change", function (e) { if (e.target.name === "turf") countPicked(); });

  function say(text, kind) { status.textContent = text; status.className = "flash flash-" + kind; }

  function send(url, data) {
    return fetch(url, { method: "POST", body: data, credentials: "same-origin",
                        headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; },
                                              function () { return { status: r.status, body: {} }; }); });
  }

  function apply(body) {
    var rows = body.rows || {};
    Object.keys(rows).forEach(function (id) {
      var old = table.querySelector("tr[data-turf-id='" + id + "']");
      if (!old) return;
      var holder = document.createElement("tbody");
      holder.innerHTML = rows[id].trim();
      var fresh = holder.firstElementChild;
      old.replaceWith(fresh); fresh.classList.add("updated");
    });
    (body.removed || []).forEach(function (id) {
      var old = table.querySelector("tr[data-turf-id='" + id + "']");
      if (old) old.remove();
    });
    pickAll.checked = false; countPicked();
    say(body.message, "success");
  }

  function run(url, data, confirmed) {
    if (confirmed) data.set("confirmed", "1");
    say("Working…", "info");
    return send(url, data).then(function (res) {
      if (res.status === 409 && res.body.confirm && !confirmed) {
        if (window.confirm(res.body.confirm)) return run(url, data, true);
        say("Nothing was changed.", "info"); return;
      }
      if (res.status >= 400) {
        var err = res.body.error;
        say(err ? err.message : "The server answered " + res.status + ": nothing was changed.", "error");
        return;
      }
      apply(res.body);
    }, function () { say("No connection: nothing was changed. Try again.", "error"); });
  }

  form.addEventListener("submit", function (e) {
    var button = e.submitter;
    if (!button || (button.value === "print")) return;  // printing opens its own page
    e.preventDefault();
    var data = new FormData(form);
    if (button.classList.contains("take-back")) {
      // One row's take-back: ask with the names on the button, then post to its own route.
      if (!window.confirm(button.dataset.confirm)) { say("Nothing was changed.", "info"); return; }
      var one = new FormData();
      one.set("csrf_token", data.get("csrf_token"));
      one.set("confirmed", "1");
      run(button.getAttribute("formaction"), one, true);
      return;
    }
    data.set("action", button.value);
    run(form.getAttribute("action"), data, false);
  });
})();
