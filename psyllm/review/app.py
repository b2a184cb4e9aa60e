"""The workspace's web app: login, sessions, CSRF-checked forms, and the pages (browse.py, rate.py, trying.py).

Every page is rendered on the server from Jinja2 templates; the only script is the chat page's stream reader.
Sessions are signed cookies (SameSite=Strict); every POST carries the session's CSRF token (a form field, or the
X-CSRF-Token header for the chat's fetch calls), so another site cannot submit a rating in a reviewer's name."""
from __future__ import annotations

import os
import secrets

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from psyllm.review import browse, rate, trying
from psyllm.review.workspace import HERE, Workspace, check_csrf, render

SECRET_ENV = "PSYLLM_REVIEW_SECRET"  # signs session cookies; unset = a new secret each start (everyone logs in again)


def build_app(ws: Workspace) -> FastAPI:
    app = FastAPI(title="psyllm review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ws = ws
    secret = os.environ.get(SECRET_ENV) or secrets.token_urlsafe(32)
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="psyllm_review", same_site="strict",
                       max_age=int(ws.cfg.session_hours * 3600))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (browse, rate, trying):
        app.include_router(module.router)

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, error: str = ""):
        return render(request, "login.html", error=error, single=not ws.accounts.hashes)

    @app.post("/login")
    def login(request: Request, user: str = Form(""), password: str = Form(...), csrf: str = Form("")):
        check_csrf(request, csrf)
        rater = ws.accounts.login(user.strip(), password)
        if rater is None:
            return RedirectResponse("/login?error=1", status_code=303)
        request.session.clear()  # a fresh CSRF token for the logged-in session
        request.session.update(rater=rater, csrf=secrets.token_urlsafe(32))
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")):
        check_csrf(request, csrf)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    return app
