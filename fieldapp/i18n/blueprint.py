"""The i18n blueprint: the language switch and the phone's JSON catalogue."""
from flask import Blueprint

bp = Blueprint("i18n", __name__)
