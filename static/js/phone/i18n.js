/* fieldapp phone: the active language's strings, for every phone script.
 *
 * The page embeds the catalogue as JSON (<script type="application/json" id="i18n-data">,
 * from fieldapp/translations/<lang>/LC_MESSAGES/messages.po, the strings found in static/js),
 * so it is kept offline with the page by sw.js. Keys are the English text: a missing entry
 * shows English, never a blank.
 *
 *   t("Sync now")                                   -> "Sincronizar"
 *   t("{count} knocks waiting to sync", {count: 3}) -> "3 toques esperando para enviarse"
 *   tn(n, "1 knock waiting", "{count} knocks waiting", {count: n})  (English-style plural)
 *   fieldapp.i18n.locale, formatTime(date), formatDate("2017-11-04"), formatNumber(n): Intl in
 *   the page's language.
 */
(function () {
  "use strict";
  var fieldapp = window.fieldapp = window.fieldapp || {};
  var messages = {};
  var locale = (document.documentElement.getAttribute("lang") || "en");

  function load() {
    var node = document.getElementById("i18n-data");
    if (!node) return;
    try {
      var data = JSON.parse(node.textContent);
      messages = data.messages || {};
      locale = data.language || locale;
    } catch (error) {
      messages = {};
    }
  }

  /** The translation of key (its English text), with {name} placeholders filled from params. */
  function t(key, params) {
    var text = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  }

  /** one when n is 1, else other (English and Spanish agree), then t() with params. */
  function tn(n, one, other, params) {
    return t(n === 1 ? one : other, params);
  }

  function formatNumber(n) {
    try { return new Intl.NumberFormat(locale).format(n); } catch (error) { return String(n); }
  }

  function formatTime(date) {
    try {
      return date.toLocaleTimeString(locale, { hour: "numeric", minute: "2-digit" });
    } catch (error) { return date.toLocaleTimeString(); }
  }

  /** "2017-11-04" (a day, no time zone) as the language writes it: "4 nov 2017". */
  function formatDate(isoDay) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay || "");
    if (!parts) return isoDay;
    var day = new Date(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
    try {
      return day.toLocaleDateString(locale, { year: "numeric", month: "short", day: "numeric" });
    } catch (error) { return isoDay; }
  }

  load();
  fieldapp.i18n = { t: t, tn: tn, formatNumber: formatNumber, formatTime: formatTime, formatDate: formatDate,
    reload: load, get locale() { return locale; } };
  window.t = t;
  window.tn = tn;
})();
