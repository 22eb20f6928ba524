/* fieldapp phone: the door sheet. Opens at the bottom of the screen (thumb reach) with one
 * button per outcome. Every outcome but "Talked" saves on its tap, so a not-home is two taps in
 * all (door, then "Not home"). "Talked" opens the race's script (choice buttons or short text),
 * who was talked to, and a note, then Save. */
(function () {
  "use strict";
  var fieldapp = window.fieldapp = window.fieldapp || {};

  var current = null;   // {door, script, onSave, answers, voterId}
  var opener = null;    // the control that opened the sheet: focus goes back to it
  var groups = 0;       // ids for the questions' labels

  /** A question's text, and its answers as a group named by it (a screen reader reads
   *  "How likely..., group, 4, toggle button", not a bare "4"). */
  function question(box, text, answers) {
    var p = document.createElement("p");
    p.className = "question";
    p.id = "q-label-" + (++groups);
    p.textContent = text;
    box.appendChild(p);
    if (answers.tagName === "INPUT") answers.setAttribute("aria-labelledby", p.id);
    else {
      answers.setAttribute("role", "group");
      answers.setAttribute("aria-labelledby", p.id);
    }
    box.appendChild(answers);
    return p;  // talkform.js relabels it when the script's language is switched
  }

  function $(id) { return document.getElementById(id); }

  function button(text, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className || "";
    b.textContent = text;
    return b;
  }

  /** A row of toggle buttons where at most one is pressed; onPick(value or null). */
  function choiceRow(options, onPick) {
    var row = document.createElement("div");
    row.className = "choice-row";
    options.forEach(function (option) {
      var b = button(option.label, "choice");
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () {
        var pressed = b.getAttribute("aria-pressed") === "true";
        Array.prototype.forEach.call(row.children, function (c) { c.setAttribute("aria-pressed", "false"); });
        b.setAttribute("aria-pressed", pressed ? "false" : "true");
        onPick(pressed ? null : option.value);
      });
      row.appendChild(b);
    });
    return row;
  }

  /** Toggle buttons where any number may be pressed; onChange(list of pressed ids). */
  function multiRow(choices, onChange) {
    var row = document.createElement("div");
    row.className = "choice-row";
    choices.forEach(function (c) {
      var b = button(c.label, "choice");
      b.setAttribute("aria-pressed", "false");
      b.dataset.id = c.id;
      b.addEventListener("click", function () {
        b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true");
        onChange(Array.prototype.filter.call(row.children, function (x) {
          return x.getAttribute("aria-pressed") === "true";
        }).map(function (x) { return x.dataset.id; }));
      });
      row.appendChild(b);
    });
    return row;
  }

  function drawOutcomes() {
    var grid = $("outcome-grid");
    grid.textContent = "";
    grid.hidden = false;
    var outcomes = $("outcomes-data") ? JSON.parse($("outcomes-data").textContent) : [];
    outcomes.forEach(function (o) {
      var b = button(o.label, "outcome outcome-" + o.code + (o.code === "not_home" ? " primary" : ""));
      b.dataset.outcome = o.code;
      b.addEventListener("click", function () {
        if (o.contact) drawTalk(o.code);
        else save(o.code);
      });
      grid.appendChild(b);
    });
  }

  /** The conversation form: who, the script, a note. */
  function drawTalk(code) {
    current.outcome = code;
    $("outcome-grid").hidden = true;
    if (fieldapp.talkform) {  // several people, each answering (talkform.js)
      fieldapp.talkform.draw(current.door, current.script, current.intro,
                             { question: question, choiceRow: choiceRow, multiRow: multiRow },
                             current.introEs);
      $("talk-note").value = "";
      $("talk-form").hidden = false;
      $("talk-form").scrollIntoView({ block: "start" });
      return;
    }
    var who = $("talk-voters");
    who.textContent = "";
    if (current.door.voters.length) {
      question(who, t("Who did you talk to?"), choiceRow(current.door.voters.map(function (v) {
        return { label: v.name, value: v.id };
      }), function (id) { current.voterId = id; }));
    }
    var box = $("talk-questions");
    box.textContent = "";
    if (current.intro) {
      var intro = document.createElement("p");
      intro.className = "intro";
      intro.textContent = current.intro;
      box.appendChild(intro);
    }
    current.script.forEach(function (q) {
      if (q.kind === "multi") {  // sent as "12,15": the server's multiple-choice form
        question(box, q.text, multiRow(q.choices, function (ids) {
          if (ids.length) current.answers[q.id] = ids.join(",");
          else delete current.answers[q.id];
        }));
      } else if (q.kind !== "text") {  // choice, scale, yesno: one answer
        question(box, q.text, choiceRow(q.choices.map(function (c) {
          return { label: c.label, value: c.id };
        }), function (id) {
          if (id === null) delete current.answers[q.id];
          else current.answers[q.id] = id;
        }));
      } else {
        var input = document.createElement("input");
        input.maxLength = 500;
        input.addEventListener("input", function () {
          if (input.value.trim()) current.answers[q.id] = input.value.trim();
          else delete current.answers[q.id];
        });
        question(box, q.text, input);
      }
    });
    $("talk-note").value = "";
    $("talk-form").hidden = false;
    $("talk-form").scrollIntoView({ block: "start" });
  }

  /** Close, then record; the walk list moves focus to the toast's Undo once it is saved. */
  function save(code, extra) {
    var done = current;
    close(true);
    done.onSave(code, extra || {});
  }

  /** Show the sheet for a door; onSave(outcome, {answers, note, voter_id}) records it. */
  function open(door, script, onSave, intro, introEs) {
    current = { door: door, script: script || [], onSave: onSave, answers: {}, voterId: null,
                intro: intro || "", introEs: introEs || "" };  // the pitch read before the questions
    $("sheet-title").textContent = "#" + door.seq + " " + fieldapp.app.doorAddress(door);
    $("sheet-voters").textContent = door.voters.map(function (v) { return v.name; }).join(", ");
    $("talk-form").hidden = true;
    drawOutcomes();
    var sheet = $("sheet");
    opener = document.activeElement !== document.body ? document.activeElement : null;
    sheet.hidden = false;
    // Modal where <dialog> is known: the page behind is inert, Tab stays in the sheet.
    // Without showModal (older browsers) it opens as a plain panel; keepFocus holds Tab in it.
    if (typeof sheet.showModal === "function") { if (!sheet.open) sheet.showModal(); }
    else sheet.setAttribute("open", "");
    document.body.classList.add("sheet-open");
    var first = $("outcome-grid").querySelector("button");
    if (first) first.focus({ preventScroll: true });
  }

  /** Tab from the sheet's last control wraps to its first (and Shift+Tab back): focus never
   *  leaves the sheet, not even for the browser's own bar, and never without <dialog>. */
  function keepFocus(event) {
    if (event.key !== "Tab" || !current) return;
    var sheet = $("sheet");
    var stops = Array.prototype.filter.call(
      sheet.querySelectorAll("button, input, textarea, select, a[href], [tabindex]:not([tabindex='-1'])"),
      function (n) { return !n.disabled && n.offsetParent !== null; });
    if (!stops.length) return;
    var first = stops[0], last = stops[stops.length - 1];
    var inside = sheet.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault(); first.focus();
    }
  }

  /** The door's own button (in the list, redrawn since, or the next-door card). */
  function doorButton(door) {
    var card = $("next-door-button");
    if (opener && opener.id === "next-door-button" && card) return card;
    return document.querySelector(".door[data-household-id='" + door.id + "']") || card;
  }

  /** Close the sheet; unless a knock was saved, focus goes back to the door it was opened on. */
  function close(saved) {
    var door = current && current.door;
    current = null;
    var sheet = $("sheet");
    if (sheet.open && typeof sheet.close === "function") sheet.close();
    sheet.removeAttribute("open");
    sheet.hidden = true;
    document.body.classList.remove("sheet-open");
    if (saved !== true && door) {
      var back = doorButton(door);
      if (back) back.focus({ preventScroll: true });
    }
    opener = null;
  }

  function start() {
    $("sheet-close").addEventListener("click", function () { close(); });
    // Escape: the dialog's own cancel (modal), or the key itself where there is no <dialog>.
    $("sheet").addEventListener("cancel", function (e) { e.preventDefault(); close(); });
    // Closed by the browser itself (the close event comes later, maybe after a reopen: check).
    $("sheet").addEventListener("close", function () { if (current && !$("sheet").open) close(); });
    document.addEventListener("keydown", keepFocus);
    document.addEventListener("keydown", function (e) { if (e.key === "Escape" && current) close(); });
    $("talk-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var extra = { answers: current.answers, note: $("talk-note").value.trim() };
      if (current.voterId) extra.voter_id = current.voterId;
      if (fieldapp.talkform) {
        var who = fieldapp.talkform.collect();
        if (who.error) { fieldapp.talkform.showProblem(who.error); return; }
        who.note = extra.note;
        extra = who;
      }
      save(current.outcome, extra);
    });
  }

  document.addEventListener("DOMContentLoaded", start);
  fieldapp.walkform = { open: open, close: close };
})();
