/* fieldapp phone: who a conversation was with. One toggle per voter of the door (several may
 * be picked), each picked person answering the script on their own; "Add a person" for someone
 * met at the door who is not on the list (name, optional phone and e-mail); "Someone else at
 * the door" when no one listed or added was talked to. What it collects goes into the knock's
 * payload (talked_to, someone_else), so it waits in the outbox and syncs like any knock; the
 * person's own client_uuid makes the server add them once (fieldapp/canvass/talk.py). */
(function () {
  "use strict";
  var fieldapp = window.fieldapp = window.fieldapp || {};

  var state = null;  // {script, people: [{voterId | person, answers, box}], someoneElse}
  var added = 0;     // ids for the added people's inputs

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function toggle(text, className) {
    var b = el("button", "choice " + (className || ""), text);
    b.type = "button";
    b.setAttribute("aria-pressed", "false");
    return b;
  }

  /** The script's questions for one person, writing into `answers`. */
  function drawScript(box, script, answers, parts) {
    script.forEach(function (q) {
      if (q.kind === "multi") {  // sent as "12,15": the server's multiple-choice form
        parts.question(box, q.text, parts.multiRow(q.choices, function (ids) {
          if (ids.length) answers[q.id] = ids.join(",");
          else delete answers[q.id];
        }));
      } else if (q.kind !== "text") {
        parts.question(box, q.text, parts.choiceRow(q.choices.map(function (c) {
          return { label: c.label, value: c.id };
        }), function (id) {
          if (id === null) delete answers[q.id];
          else answers[q.id] = id;
        }));
      } else {
        var input = el("input");
        input.maxLength = 500;
        input.addEventListener("input", function () {
          if (input.value.trim()) answers[q.id] = input.value.trim();
          else delete answers[q.id];
        });
        parts.question(box, q.text, input);
      }
    });
  }

  /** A person's block: a heading with their name, then their answers. */
  function personBlock(title, entry, parts, fields) {
    var box = el("fieldset", "talk-person");
    var legend = el("legend", "", title);
    box.appendChild(legend);
    if (fields) fields(box);
    drawScript(box, state.script, entry.answers, parts);
    entry.box = box;
    $("talk-people").appendChild(box);
    return box;
  }

  function $(id) { return document.getElementById(id); }

  function input(box, label, type, key, person, max) {
    var id = "talk-new-" + added + "-" + key;
    var wrap = el("label", "field");
    wrap.htmlFor = id;
    wrap.appendChild(el("span", "", label));
    var field = el("input");
    field.id = id;
    field.type = type;
    field.maxLength = max;
    field.autocomplete = "off";
    field.addEventListener("input", function () { person[key] = field.value.trim(); });
    wrap.appendChild(field);
    box.appendChild(wrap);
    return field;
  }

  function setSomeoneElse(on) {
    state.someoneElse = on;
    state.someoneButton.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) {  // nobody else then: unpick the voters, drop the added people
      state.people.slice().forEach(function (entry) { remove(entry); });
    }
  }

  function remove(entry) {
    state.people.splice(state.people.indexOf(entry), 1);
    if (entry.box) entry.box.remove();
    if (entry.button) entry.button.setAttribute("aria-pressed", "false");
  }

  function addPerson(parts) {
    setSomeoneElse(false);
    added += 1;
    var person = { client_uuid: fieldapp.store.uuid(), first_name: "", last_name: "",
                   phone: "", email: "" };
    var entry = { person: person, answers: {} };
    state.people.push(entry);
    var box = personBlock("Person not on the list", entry, parts, function (box) {
      var first = input(box, "First name", "text", "first_name", person, 100);
      input(box, "Last name", "text", "last_name", person, 100);
      input(box, "Phone (optional)", "tel", "phone", person, 40);
      input(box, "E-mail (optional)", "email", "email", person, 254);
      var drop = el("button", "link talk-remove", "Remove this person");
      drop.type = "button";
      drop.addEventListener("click", function () { remove(entry); });
      box.appendChild(drop);
      setTimeout(function () { first.focus(); }, 0);
    });
    box.classList.add("talk-new-person");
  }

  /** Draw who-was-talked-to and the script for a door's conversation. */
  function draw(door, script, intro, parts) {
    state = { script: script || [], people: [], someoneElse: false };
    var who = $("talk-voters");
    who.textContent = "";
    var questions = $("talk-questions");
    questions.textContent = "";
    if (intro) questions.appendChild(el("p", "intro", intro));
    var people = el("div", "talk-people");
    people.id = "talk-people";
    questions.appendChild(people);
    var row = el("div", "choice-row talk-who");
    door.voters.forEach(function (v) {
      var b = toggle(v.name, "talk-voter");
      b.dataset.voterId = v.id;
      b.addEventListener("click", function () {
        var entry = state.people.filter(function (p) { return p.voterId === v.id; })[0];
        if (entry) { remove(entry); return; }
        setSomeoneElse(false);
        entry = { voterId: v.id, answers: {}, button: b };
        state.people.push(entry);
        b.setAttribute("aria-pressed", "true");
        personBlock(v.name, entry, parts);
      });
      row.appendChild(b);
    });
    state.someoneButton = toggle("Someone else at the door", "talk-someone-else");
    state.someoneButton.addEventListener("click", function () {
      setSomeoneElse(!state.someoneElse);
    });
    row.appendChild(state.someoneButton);
    parts.question(who, "Who did you talk to?", row);
    var add = el("button", "talk-add", "+ Add a person not on the list");
    add.type = "button";
    add.addEventListener("click", function () { addPerson(parts); });
    who.appendChild(add);
    // A unit (or door) missing from the list: the talk is logged there, not at this door.
    var unit = el("details", "talk-new-door");
    unit.appendChild(el("summary", "", "At a unit or door not on the list?"));
    state.newDoor = { client_uuid: fieldapp.store.uuid(), unit: "", address_line: "" };
    added += 1;
    input(unit, "Unit", "text", "unit", state.newDoor, 50);
    input(unit, "Address, if another building", "text", "address_line", state.newDoor, 300);
    who.appendChild(unit);
    var problem = el("p", "talk-problem");
    problem.id = "talk-problem";
    problem.setAttribute("role", "alert");
    who.appendChild(problem);
  }

  /** The payload fields, or {error} naming what is missing (the form then stays open). */
  function collect() {
    var problem = $("talk-problem");
    if (problem) problem.textContent = "";
    if (!state.people.length && !state.someoneElse) {
      return { error: "Pick who you talked to, add them, or choose “Someone else at the door”." };
    }
    var talked = [];
    for (var i = 0; i < state.people.length; i++) {
      var entry = state.people[i];
      if (entry.person && !entry.person.first_name && !entry.person.last_name) {
        return { error: "A person you add needs a name." };
      }
      var item = entry.person ? { person: entry.person } : { voter_id: entry.voterId };
      if (Object.keys(entry.answers).length) item.answers = entry.answers;
      talked.push(item);
    }
    var result = state.someoneElse ? { talked_to: [], someone_else: true } : { talked_to: talked };
    if (state.newDoor.unit || state.newDoor.address_line) {
      if (talked.some(function (p) { return p.voter_id; })) {
        return { error: "The voters listed live at this door: at a unit not on the list, add the people you met." };
      }
      result.new_door = state.newDoor;
    }
    return result;
  }

  function showProblem(text) {
    var problem = $("talk-problem");
    if (problem) {
      problem.textContent = text;
      problem.scrollIntoView({ block: "center" });
    }
  }

  fieldapp.talkform = { draw: draw, collect: collect, showProblem: showProblem };
})();
