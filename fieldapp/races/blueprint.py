"""The races blueprint; its routes live in the views modules beside it."""
from flask import Blueprint

bp = Blueprint("races", __name__, url_prefix="/races")
