"""moto's views called as its Flask app would call them, without Flask's per-request machinery.

moto serves each service through a Flask app whose only work around the view is routing and
flask_cors's after-request hook. Flask itself pushes an app and a request context, opens and
saves a (null) session, sends signals and tears down, for every call: in a py-spy of the
sandbox under 50 learners that was about an eighth of the server's time, around a view whose
signature and IAM checks stay as they are.

:class:`DirectApp` does what Flask does for such an app: it matches the URL on the app's own
map, builds the app's request class, calls moto's view callback the way moto's
``convert_to_flask_response`` does, and adds flask_cors's headers with flask_cors's own
function. Anything else goes through Flask unchanged: OPTIONS (flask_cors answers preflights
itself), a URL the map does not match (404, 405, redirects), and every call of an app with
hooks this module does not know (then it is never used for that app).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

__all__ = ["DirectApp", "direct_or_flask"]


def _cors_resources(app: Any) -> list[Any] | None:
    """flask_cors's (path pattern, options) list, when its hook is the app's only one."""
    hooks = [f for key, funcs in app.after_request_funcs.items() for f in funcs if funcs]
    plain = not any(
        any(funcs.values()) if isinstance(funcs, dict) else funcs
        for funcs in (
            app.before_request_funcs,
            app.teardown_request_funcs,
            app.url_value_preprocessors,
            app.url_default_functions,
            app.teardown_appcontext_funcs,
        )
    )
    if not plain or len(hooks) != 1 or hooks[0].__name__ != "cors_after_request":
        return None
    cells = dict(zip(hooks[0].__code__.co_freevars, hooks[0].__closure__ or (), strict=True))
    resources = cells.get("resources")
    return None if resources is None else list(resources.cell_contents)


class DirectApp:
    """One moto Flask app's views, called directly (see the module's docstring)."""

    def __init__(self, app: Any, resources: list[Any]) -> None:
        from botocore.exceptions import ClientError
        from flask import Response
        from flask_cors.core import ACL_ORIGIN, get_cors_headers, try_match_pattern
        from moto.moto_api import recorder

        self.app, self.resources = app, resources
        self.Response, self.ClientError, self.recorder = Response, ClientError, recorder
        self.acl_origin, self.cors_headers = ACL_ORIGIN, get_cors_headers
        self.match_pattern = try_match_pattern

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        from werkzeug.exceptions import HTTPException

        if environ.get("REQUEST_METHOD") == "OPTIONS":
            return self.app(environ, start_response)
        adapter = self.app.url_map.bind_to_environ(environ, server_name=None, subdomain=None)
        try:
            rule, view_args = adapter.match(return_rule=True)
        except HTTPException:  # 404, 405, a redirect: Flask's own answer
            return self.app(environ, start_response)
        request = self.app.request_class(environ)
        request.url_rule, request.view_args = rule, view_args
        try:
            try:
                response = self.view(self.app.view_functions[rule.endpoint].callback, request)
            except HTTPException as exc:  # what Flask answers for one (no handlers are set)
                response = self.Response.force_type(exc, environ)  # type: ignore[arg-type]
            self.add_cors_headers(request, response)
            return response(environ, start_response)
        finally:
            request.close()

    def view(self, callback: Any, request: Any) -> Any:
        """``moto.core.utils.convert_to_flask_response.__call__``, given the request."""
        try:
            self.recorder._record_request(request)
            result = callback(request, request.raw_url, dict(request.headers))
        except self.ClientError as exc:
            result = 400, {}, exc.response["Error"]["Message"]
        if len(result) == 3:
            status, headers, content = result
        else:
            status, headers, content = 200, {}, result
        response = self.Response(response=content, status=status, headers=headers)
        if request.method == "HEAD" and "content-length" in headers:
            response.headers["Content-Length"] = headers["content-length"]
        return response

    def add_cors_headers(self, request: Any, response: Any) -> None:
        """flask_cors's ``cors_after_request`` and ``set_cors_headers``, given the request."""
        if response.headers is not None and response.headers.get(self.acl_origin):
            return
        path = unquote(request.path)
        for pattern, options in self.resources:
            if self.match_pattern(path, pattern, caseSensitive=True):
                for key, value in self.cors_headers(
                    options, request.headers, request.method
                ).items():
                    response.headers.add(key, value)
                return


def direct_or_flask(app: Any) -> Any:
    """A :class:`DirectApp` for a plain moto Flask app; the app itself for any other."""
    resources = _cors_resources(app)
    return app if resources is None else DirectApp(app, resources)
