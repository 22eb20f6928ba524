/* fieldapp: a job's page follows the job. It asks GET /api/v1/jobs/<id> every second while the
 * job is queued or running, moves the bar and the counts, and reloads the page when the job
 * ends, so the report (or the error) appears. A failed request is tried again, slower. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !box.dataset.jobUrl) return;
  var ACTIVE = { queued: true, running: true };
  if (!ACTIVE[box.dataset.state]) return;
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");
  var state = document.getElementById("job-state");
  var phase = document.getElementById("job-phase");
  var delay = 1000;

  function number(n) { return Number(n).toLocaleString("en-US"); }

  function show(job) {
    state.textContent = job.state;
    state.className = "job-state job-" + job.state;
    phase.textContent = job.phase || "";
    if (!ACTIVE[job.state] && job.state !== "finished") {
      // Failed: stop the bar (an indeterminate one animates as if still running); the
      // reload that follows shows the error and the "Try again" button.
      bar.max = 1;
      bar.value = 0;
      return;
    }
    if (job.total) {
      bar.max = job.total;
      bar.value = Math.min(job.done, job.total);
    } else {
      bar.removeAttribute("value");  // indeterminate until the total is known
    }
    count.textContent = number(job.done) + (job.total != null ? " of " + number(job.total) : "") +
      " " + job.unit + (job.percent != null ? " (" + job.percent + "%)" : "");
    box.dataset.done = job.done;
  }

  function poll() {
    fetch(box.dataset.jobUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (job) {
        delay = 1000;
        show(job);
        if (ACTIVE[job.state]) { setTimeout(poll, delay); } else { window.location.reload(); }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        setTimeout(poll, delay);
      });
  }
  setTimeout(poll, delay);
})();
