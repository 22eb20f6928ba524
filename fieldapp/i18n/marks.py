"""N_(): marks an English string for the catalogue without translating it (no imports, so any
module may use it). Whoever shows the string translates it then: `gettext(text)` in a view or
error handler, `_(text)` in a template."""


def N_(text: str) -> str:  # gettext's conventional name: Babel extracts N_() calls
    """text itself; `flask i18n update` finds it and puts it in the catalogue."""
    return text
