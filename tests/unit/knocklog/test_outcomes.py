"""Door outcomes are declared once (fieldapp/knocklog/outcomes.py); every rendering derives."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
from jinja2 import Environment, FileSystemLoader

from fieldapp.knocklog import outcomes
from fieldapp.maps import encode, palette

ROOT = Path(__file__).resolve().parents[3]


def test_palette_legend_encoder_and_van_ids_iterate_the_one_list():
    """The map codes, legend labels and colours, the encoder's counts and the VAN ids."""
    codes = [o.code for o in outcomes.OUTCOMES]
    assert list(palette.OUTCOMES) == codes
    assert palette.outcome_labels()[1:] == [o.label for o in outcomes.OUTCOMES]
    assert palette.outcome_colors()[1:] == [o.color for o in outcomes.OUTCOMES]
    assert list(outcomes.DEFAULT_VAN_RESULT_IDS) == codes
    assert palette.OUTCOME_PALETTE["contact"].label == outcomes.BY_CODE["contact"].label == "Talked"
    last = len(codes) - 1
    doors = encode.encode_doors(np.array([40.0, 40.001]), np.array([-74.0, -74.0]),
                                np.array([-1, last]))
    assert len(doors["c"]) == len(codes) + 1  # the script reads the number of codes from it
    assert doors["c"][0] == 1 and doors["c"][-1] == 1


def test_the_script_reads_the_code_count_from_the_payload():
    """No outcome count is written into the map script."""
    js = (ROOT / "static/js/maps/canvas-layers.js").read_text()
    assert "ncodes: d.c.length" in js
    assert not re.search(r"=\s*1[12]\s*[;,]", js) and "NCODES" not in js


def test_adding_an_outcome_needs_only_outcomes_py():
    """One more entry in outcomes.py reaches the legend, the encoder, the VAN ids and the phone."""
    script = textwrap.dedent(f"""
        import json, sys, types
        import numpy as np
        source = open({str(ROOT / "fieldapp/knocklog/outcomes.py")!r}).read()
        entry = '    Outcome("lit_drop", N_("Lit dropped"), "Lit Drop", 23, "#f0e442"),\\n'
        assert entry in source
        source = source.replace(entry, entry + '    Outcome("spanish", N_("Spanish speaker"), '
                                '"Spanish", 31, "#117733", "#ffffff"),\\n')
        import fieldapp.knocklog
        module = types.ModuleType("fieldapp.knocklog.outcomes")
        module.__file__ = "outcomes.py"
        sys.modules[module.__name__] = module
        exec(compile(source, "outcomes.py", "exec"), module.__dict__)
        from fieldapp.maps import encode, palette
        from fieldapp.reports.exports import van_result_ids
        from jinja2 import Environment, FileSystemLoader
        race = types.SimpleNamespace(organization=types.SimpleNamespace(van_result_ids=None))
        doors = encode.encode_doors(np.array([40.0]), np.array([-74.0]),
                                    np.array([palette.outcome_index("spanish")]))
        env = Environment(loader=FileSystemLoader({str(ROOT / "fieldapp/templates")!r}),
                          extensions=["jinja2.ext.i18n"])
        env.install_null_translations()  # the template shows labels through _()
        phone = env.get_template("canvass/_outcomes.html").render(OUTCOMES=module.OUTCOMES)
        print(json.dumps({{"legend": palette.outcome_labels()[-1],
                          "swatch": palette.outcome_swatch("spanish").color,
                          "counts": doors["c"], "van": van_result_ids(race)["spanish"],
                          "phone": phone}}))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["legend"] == "Spanish speaker"
    assert seen["swatch"] == "#117733"
    assert seen["counts"] == [0] * (len(outcomes.OUTCOMES) + 1) + [1]
    assert seen["van"] == 31
    assert '"code": "spanish", "label": "Spanish speaker"' in seen["phone"]


def test_the_phone_lists_every_outcome_with_its_label():
    """The phone's outcome data is rendered from OUTCOMES."""
    env = Environment(loader=FileSystemLoader(ROOT / "fieldapp/templates"),
                      extensions=["jinja2.ext.i18n"])
    env.install_null_translations()  # the template shows labels through _()
    html = env.get_template("canvass/_outcomes.html").render(OUTCOMES=outcomes.OUTCOMES)
    data = json.loads(html.split(">", 1)[1].rsplit("<", 1)[0])
    assert [(d["code"], d["label"]) for d in data] == [(o.code, o.label) for o in outcomes.OUTCOMES]
