"""The workspace's web app: login, sessions, CSRF-checked forms, and the pages (browse.py, rate.py, chat routes).

Every page is rendered on the server from Jinja2 templates; the only script is the chat page's stream reader.
Sessions are signed cookies (SameSite=Strict); every POST carries the session's CSRF token (a form field, or the
X-CSRF-Token header for the chat's fetch calls), so another site cannot submit a rating in a reviewer's name."""
from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from psyllm.config.schema import ReviewConfig
from psyllm.evaluation.rubric import Dimension, rubric
from psyllm.review.accounts import Accounts
from psyllm.review.run_folder import Run

HERE = Path(__file__).parent
SECRET_ENV = "PSYLLM_REVIEW_SECRET"  # signs session cookies; unset = a new secret each start (everyone logs in again)


@dataclass
class Workspace:
    """What every page needs: the run, its store, the rubric, who may log in."""

    cfg: ReviewConfig
    run: Run
    accounts: Accounts
    mlflow: object
    cases_path: Path
    dims: tuple[Dimension, ...] = ()
    judge: str = ""
    templates: Jinja2Templates = field(default=None)

    def __post_init__(self):
        evaluation = self.run.manifest("evaluate")
        self.dims = rubric(self.cfg.rubric or (evaluation.get("config") or {}).get("rubric") or "cpsycoune")
        self.judge = evaluation.get("judge", "")
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))

    @property
    def trace_ids(self) -> dict[str, str]:
        return {a["item_id"]: a["trace_id"] for a in self.run.answers}


def workspace(request: Request) -> Workspace:
    return request.app.state.ws


def csrf_token(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def check_csrf(request: Request, token: str) -> None:
    if not hmac.compare_digest(str(token or ""), request.session.get("csrf", "\0")):
        raise HTTPException(403, "the form's CSRF token does not match this session: reload the page")


def current_rater(request: Request) -> str:
    """The logged-in rater; a request without a session is sent to the login page."""
    rater = request.session.get("rater")
    if not rater:
        raise HTTPException(303, headers={"Location": "/login"})
    return rater


def render(request: Request, name: str, **context) -> HTMLResponse:
    ws = workspace(request)
    context.update(rater=request.session.get("rater"), csrf=csrf_token(request), run_name=ws.run.root.name,
                   blind=request.session.get("blind", ws.cfg.blind))
    return ws.templates.TemplateResponse(request, name, context)


def build_app(ws: Workspace) -> FastAPI:
    from psyllm.review import browse, rate, trying

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
