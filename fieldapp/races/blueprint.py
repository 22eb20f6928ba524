"""The races blueprint, bare: views add their routes, routes.py gathers them all."""
from flask import Blueprint

bp = Blueprint("races", __name__, url_prefix="/races")
