/* fieldapp phone: who a conversation was with. One toggle per voter of the door (several may
 * be picked), each picked person answering the script on their own; "Add a person" for someone
 * met at the door who is not on the list (name, optional phone and e-mail); "Someone else at
 * the door" when no one listed or added was talked to. What it collects goes into the knock's
 * payload (talked_to, someone_else), so it waits in the outbox and syncs like any knock; the
 * person's own client_uuid makes the server add them once (fieldapp/canvass/talk.py).
 *
 * A script with Spanish (any intro_es, text_es or label_es) gets an "English / Español"
 * toggle above its intro. It opens in the volunteer's app language; switching relabels the
 * questions and answers in place, so what was tapped stays tapped and the knock carries the
 * same answer ids either way. A piece with no Spanish shows its English (answer by answer). */
(function () {
  "use strict";
  var fieldapp = window.fieldapp = window.fieldapp || {};

  var state = null;  // {script, people: [{voterId | person, answers, box}], someoneElse, lang}
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

  /** A script piece's text in `lang`: its Spanish when it has some, else its English. */
  function say(piece, key, lang) {
    var es = piece[key + "_es"];
    return lang === "es" && es ? es : piece[key];
  }

  /** True when any piece of the script has Spanish (then the toggle is offered). */
  function hasSpanish(script, introEs) {
    return !!introEs || script.some(function (q) {
      return !!q.text_es || (q.choices || []).some(function (c) { return !!c.label_es; });
    });
  }

  /** The language a door's script opens in: the app's, when the script has it. */
  function defaultLanguage(script, introEs) {
    var app = (fieldapp.i18n && fieldapp.i18n.locale) || document.documentElement.lang || "en";
    return app.slice(0, 2) === "es" && hasSpanish(script, introEs) ? "es" : "en";
  }

  /** Remember a node showing `piece[key]`, and show it in the current language. */
  function labelled(node, piece, key) {
    state.labels.push({ node: node, piece: piece, key: key });
    show(state.labels[state.labels.length - 1]);
  }

  function show(item) {
    item.node.textContent = say(item.piece, item.key, state.lang);
    // a screen reader reads each piece in the language it is written in
    var spanish = state.lang === "es" && !!item.piece[item.key + "_es"];
    item.node.setAttribute("lang", spanish ? "es" : "en");
  }

  /** Switch the script's language; answers already tapped stay as they are. */
  function setLanguage(lang) {
    state.lang = lang;
    state.labels.forEach(show);
    (state.langButtons || []).forEach(function (b) {
      b.setAttribute("aria-pressed", b.lang === lang ? "true" : "false");
    });
  }

  /** "English / Español": which language the canvasser reads the script in at this door. */
  function languageToggle(box, parts) {
    var row = el("div", "choice-row script-lang");
    state.langButtons = [["en", "English"], ["es", "Español"]].map(function (pair) {
      var b = toggle(pair[1], "script-lang-" + pair[0]);
      b.lang = pair[0];
      b.addEventListener("click", function () { setLanguage(pair[0]); });
      row.appendChild(b);
      return b;
    });
    parts.question(box, t("Script language"), row);
  }

  /** The script's questions for one person, writing into `answers`. */
  function drawScript(box, script, answers, parts) {
    script.forEach(function (q) {
      var heading;
      if (q.kind === "multi") {  // sent as "12,15": the server's multiple-choice form
        var many = parts.multiRow(q.choices, function (ids) {
          if (ids.length) answers[q.id] = ids.join(",");
          else delete answers[q.id];
        });
        heading = parts.question(box, q.text, many);
        q.choices.forEach(function (c, i) { labelled(many.children[i], c, "label"); });
      } else if (q.kind !== "text") {
        var row = parts.choiceRow(q.choices.map(function (c) {
          return { label: c.label, value: c.id };
        }), function (id) {
          if (id === null) delete answers[q.id];
          else answers[q.id] = id;
        });
        heading = parts.question(box, q.text, row);
        q.choices.forEach(function (c, i) { labelled(row.children[i], c, "label"); });
      } else {
        var input = el("input");
        input.maxLength = 500;
        input.addEventListener("input", function () {
          if (input.value.trim()) answers[q.id] = input.value.trim();
          else delete answers[q.id];
        });
        heading = parts.question(box, q.text, input);
      }
      labelled(heading, q, "text");
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
    var box = personBlock(t("Person not on the list"), entry, parts, function (box) {
      var first = input(box, t("First name"), "text", "first_name", person, 100);
      input(box, t("Last name"), "text", "last_name", person, 100);
      input(box, t("Phone (optional)"), "tel", "phone", person, 40);
      input(box, t("E-mail (optional)"), "email", "email", person, 254);
      var drop = el("button", "link talk-remove", t("Remove this person"));
      drop.type = "button";
      drop.addEventListener("click", function () { remove(entry); });
      box.appendChild(drop);
      setTimeout(function () { first.focus(); }, 0);
    });
    box.classList.add("talk-new-person");
  }

  /** Draw who-was-talked-to and the script for a door's conversation. */
  function draw(door, script, intro, parts, introEs) {
    state = { script: script || [], people: [], someoneElse: false, labels: [], langButtons: [] };
    state.lang = defaultLanguage(state.script, introEs);
    var who = $("talk-voters");
    who.textContent = "";
    var questions = $("talk-questions");
    questions.textContent = "";
    if (hasSpanish(state.script, introEs)) languageToggle(questions, parts);
    if (intro) labelled(questions.appendChild(el("p", "intro")), { intro: intro, intro_es: introEs || "" }, "intro");
    setLanguage(state.lang);
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
    state.someoneButton = toggle(t("Someone else at the door"), "talk-someone-else");
    state.someoneButton.addEventListener("click", function () {
      setSomeoneElse(!state.someoneElse);
    });
    row.appendChild(state.someoneButton);
    parts.question(who, t("Who did you talk to?"), row);
    var add = el("button", "talk-add", "+ " + t("Add a person not on the list"));
    add.type = "button";
    add.addEventListener("click", function () { addPerson(parts); });
    who.appendChild(add);
    // A unit (or door) missing from the list: the talk is logged there, not at this door.
    var unit = el("details", "talk-new-door");
    unit.appendChild(el("summary", "", t("At a unit or door not on the list?")));
    state.newDoor = { client_uuid: fieldapp.store.uuid(), unit: "", address_line: "" };
    added += 1;
    input(unit, t("Unit"), "text", "unit", state.newDoor, 50);
    input(unit, t("Address, if another building"), "text", "address_line", state.newDoor, 300);
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
      return { error: t("Pick who you talked to, add them, or choose “Someone else at the door”.") };
    }
    var talked = [];
    for (var i = 0; i < state.people.length; i++) {
      var entry = state.people[i];
      if (entry.person && !entry.person.first_name && !entry.person.last_name) {
        return { error: t("A person you add needs a name.") };
      }
      var item = entry.person ? { person: entry.person } : { voter_id: entry.voterId };
      if (Object.keys(entry.answers).length) item.answers = entry.answers;
      talked.push(item);
    }
    var result = state.someoneElse ? { talked_to: [], someone_else: true } : { talked_to: talked };
    if (state.newDoor.unit || state.newDoor.address_line) {
      if (talked.some(function (p) { return p.voter_id; })) {
        return { error: t("The voters listed live at this door: at a unit not on the list, add the people you met.") };
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

  fieldapp.talkform = { draw: draw, collect: collect, showProblem: showProblem,
                        setLanguage: setLanguage, language: function () { return state && state.lang; } };
})();
