"""What every page shares: the Workspace (the run, its store, the rubric, the accounts) and the request helpers —
who is logged in, the session's CSRF token and its check, rendering a template."""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from psyllm.config.schema import ReviewConfig
from psyllm.evaluation.rubric import Dimension, rubric
from psyllm.review.accounts import Accounts
from psyllm.review.run_folder import Run
from psyllm.tracking import dialogues

HERE = Path(__file__).parent


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
    dialogue_store: tuple[str, str] = ("", "")  # (experiment id, filter output key) of the dialogues' traces

    def __post_init__(self):
        evaluation = self.run.manifest("evaluate")
        self.dims = rubric(self.cfg.rubric or (evaluation.get("config") or {}).get("rubric") or "cpsycoune")
        self.judge = evaluation.get("judge", "")
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))

    @property
    def trace_ids(self) -> dict[str, str]:
        return {a["item_id"]: a["trace_id"] for a in self.run.answers}

    def dialogue(self, sample_id: str) -> dict:
        d = next((d for d in self.run.dialogues if d["sample_id"] == sample_id), None)
        if d is None:
            raise HTTPException(404, f"no dialogue {sample_id!r} in this run")
        return d

    def dialogue_feedback(self) -> list[dict]:
        """Every Feedback on the dialogues' traces (verdicts and whole-dialogue ratings), read from MLflow."""
        return dialogues.dialogue_feedback(self.mlflow, *self.dialogue_store) if self.dialogue_store[0] else []


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


