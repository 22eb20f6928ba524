"""The auth blueprint; its routes live in the views modules beside it."""
from flask import Blueprint

bp = Blueprint("auth", __name__)
