"""The api blueprint; its routes live in the views modules beside it."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
