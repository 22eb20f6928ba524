"""The reports blueprint; its routes live in the views modules beside it."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
