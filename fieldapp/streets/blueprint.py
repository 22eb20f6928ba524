"""The streets blueprint (a race's street network, under /races), bare: routes.py completes it."""
from flask import Blueprint

bp = Blueprint("streets", __name__, url_prefix="/races")
