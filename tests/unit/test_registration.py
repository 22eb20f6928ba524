"""create_app registers every route fieldapp defines, and names every blueprint and extension.

A views module that no routes.py imports would define pages nobody can reach; a blueprint or
extension bound somewhere other than fieldapp/__init__.py is one a reader of create_app misses.
"""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from flask import Blueprint

import fieldapp
from fieldapp import create_app

PACKAGE = Path(fieldapp.__file__).resolve().parent
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    """The app as create_app builds it; no database is touched."""
    instance = tmp_path_factory.mktemp("instance")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FIELDAPP_INSTANCE_PATH", str(instance))
        return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _routed_functions(tree: ast.Module) -> list[tuple[str, str]]:
    """(owner name, function name) of every function decorated `@owner.route(...)` and the like,
    and of every `owner.add_url_rule(..., view_func=name)`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else None
                if (isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS
                        and isinstance(call.value, ast.Name)):
                    found.append((call.value.id, node.name))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "add_url_rule" and isinstance(node.func.value, ast.Name)):
            views = [kw.value for kw in node.keywords if kw.arg == "view_func"] + node.args[2:3]
            found += [(node.func.value.id, view.id) for view in views if isinstance(view, ast.Name)]
    return found


def _route_modules() -> dict[str, list[tuple[str, str]]]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        routed = _routed_functions(ast.parse(path.read_text(encoding="utf-8")))
        if routed:
            modules[_module_name(path)] = routed
    return modules


ROUTE_MODULES = _route_modules()


def test_the_walk_finds_the_views_modules():
    assert {"fieldapp.home", "fieldapp.auth.views", "fieldapp.api.knocks",
            "fieldapp.reports.views"} <= set(ROUTE_MODULES)


@pytest.mark.parametrize("module_name", sorted(ROUTE_MODULES))
def test_every_route_of_every_module_is_registered(bare_app, module_name):
    module = importlib.import_module(module_name)
    registered = set(map(id, bare_app.view_functions.values()))
    for owner, function in ROUTE_MODULES[module_name]:
        if not isinstance(getattr(module, owner, None), Blueprint):
            continue  # e.g. a dict's .get used as a decorator: not a route
        assert id(getattr(module, function)) in registered, (
            f"{module_name}.{function} is routed on `{owner}` but create_app never registers "
            f"it: import {module_name} from its domain's routes.py")


def _factory_source() -> ast.Module:
    return ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))


def _imported_names(tree: ast.Module) -> dict[str, object]:
    """Every `from x import y as z` of the factory module (in functions too), resolved."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                try:
                    value = getattr(importlib.import_module(node.module), alias.name)
                except (AttributeError, ImportError):
                    value = importlib.import_module(f"{node.module}.{alias.name}")
                names[alias.asname or alias.name] = value
    return names


def _calls(tree: ast.Module, method: str) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == method]


def test_every_blueprint_is_named_in_the_factory(bare_app):
    tree = _factory_source()
    names = _imported_names(tree)
    named = {id(names[call.args[0].id]) for call in _calls(tree, "register_blueprint")
             if call.args and isinstance(call.args[0], ast.Name) and call.args[0].id in names}
    missing = sorted(name for name, blueprint in bare_app.blueprints.items()
                     if id(blueprint) not in named)
    assert not missing, f"registered outside fieldapp/__init__.py: {missing}"


def test_every_extension_is_bound_in_the_factory():
    from fieldapp import extensions

    tree = _factory_source()
    bound = {call.func.value.id for call in _calls(tree, "init_app")
             if isinstance(call.func.value, ast.Name)}
    objects = {name for name, value in vars(extensions).items()
               if not name.startswith("_") and not isinstance(value, type)
               and callable(getattr(value, "init_app", None))}
    assert objects, "fieldapp.extensions holds no extension"
    assert objects <= bound, f"not bound by name in fieldapp/__init__.py: {objects - bound}"


def test_login_is_configured_by_the_factory_not_on_import(bare_app):
    from fieldapp.auth.sessions import load_user, load_user_from_bearer, unauthorized

    manager = bare_app.login_manager
    assert manager.login_view == "auth.login"
    assert manager._user_callback is load_user
    assert manager._request_callback is load_user_from_bearer
    assert manager.unauthorized_callback is unauthorized


def test_the_api_alone_is_exempt_from_form_csrf(bare_app):
    csrf = bare_app.extensions["csrf"]
    assert {blueprint.name for blueprint in csrf._exempt_blueprints} == {"api"}
