"""Accessibility checks for the Chromium tests: axe-core at WCAG 2.2 A/AA, and the phone's own rules.

axe-core comes from the PyPI package axe-playwright-python (its bundled axe.min.js, test extras
in pyproject.toml): nothing is fetched from a CDN. The phone's rules go further than WCAG AA
because a canvasser reads the screen in full sun with one thumb: text 7:1 (AAA 1.4.6) and tap
targets 48 px (the app's own rule, AAA 2.5.5 asks 44).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@cache
def _axe_source() -> str:
    """axe-core's script, as the PyPI package ships it."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def axe_violations(page, include: str | None = None) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now (or inside `include`),
    one readable line per rule with the first offending elements."""
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(_axe_source())  # evaluate, not a <script>: the pages' CSP allows none
    result = page.evaluate(
        """([context, tags]) => axe.run(context || document,
               {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        [include, WCAG_TAGS])
    return [f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(" ".join(n["target"]) + " " + (n.get("failureSummary") or "")[:160]
                        for n in v["nodes"][:4])
            for v in result["violations"]]


# The contrast of every visible piece of text against the colour actually behind it (the first
# opaque background up the tree, semi-transparent layers blended in), per WCAG's formula.
_LOW_CONTRAST = """(minimum) => {
  const rgba = s => { const m = s.match(/[\\d.]+/g) || [0, 0, 0, 0];
    return m.map(Number).concat(m.length < 4 ? [1] : []).slice(0, 4); };
  const lin = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = c => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const background = el => {
    const layers = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
    return colour;
  };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (el.closest('.leaflet-container, script, style, [aria-hidden=true], [hidden]')) continue;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (style.visibility !== 'visible' || box.width === 0 || box.height === 0) continue;
    if (el.closest('[inert]') || (document.querySelector('dialog[open]') &&
        !el.closest('dialog[open]'))) continue;  // behind an open modal: not readable
    const fg = rgba(style.color), bg = background(el);
    const ink = over(fg, bg);
    const a = lum(ink), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < minimum) bad.push(`${ratio.toFixed(2)}:1 "${el.textContent.trim().slice(0, 40)}"`
                                  + ` <${el.tagName.toLowerCase()} class="${el.className}">`);
  }
  return bad;
}"""

# Every control a thumb may tap, smaller than the minimum in either direction. A link inside a
# sentence is exempt (WCAG 2.5.8's inline exception); a checkbox is measured by its label.
_SMALL_TARGETS = """(minimum) => {
  const controls = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], ' +
    '[tabindex]:not([tabindex="-1"])');
  const small = [];
  for (const el of controls) {
    if (el.closest('[hidden], [inert]') || el.disabled) continue;
    if (document.querySelector('dialog[open]') && !el.closest('dialog[open]')) continue;
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) target = el.closest('label');
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (getComputedStyle(target).visibility !== 'visible') continue;
    if (el.matches('a') && el.parentElement && [...el.parentElement.childNodes].some(
        n => n.nodeType === 3 && n.textContent.trim())) continue;  // a link in running text
    if (el.classList.contains('leaflet-container')) continue;  // the map itself: one big target
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      small.push(`${Math.round(box.width)}x${Math.round(box.height)} `
                 + `<${el.tagName.toLowerCase()} id="${el.id}" class="${el.className}"> `
                 + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30));
    }
  }
  return small;
}"""


def low_contrast(page, minimum: float = 7.0) -> list[str]:
    """Visible text below `minimum`:1 against what is behind it."""
    return page.evaluate(_LOW_CONTRAST, minimum)


def small_targets(page, minimum: int = 48) -> list[str]:
    """Visible controls smaller than `minimum` px wide or tall."""
    return page.evaluate(_SMALL_TARGETS, minimum)


def focus_path(page, container: str, presses: int = 25, key: str = "Tab") -> list[str]:
    """Press `key` repeatedly; every element that took focus outside `container`."""
    escaped = []
    for _ in range(presses):
        page.keyboard.press(key)
        where = page.evaluate(
            """(sel) => { const a = document.activeElement;
                return a && a.closest(sel) ? null : (a ? a.tagName + '#' + a.id + '.' + a.className : 'none'); }""",
            container)
        if where:
            escaped.append(where)
    return escaped
