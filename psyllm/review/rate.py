"""Rating answers and whole dialogues: the queue (assigned answers first), the rating forms (blind mode hides the
judge), assignment of answers to raters, exports, and the agreement page. Every rating is saved as HUMAN Feedback on
the answer's or the dialogue's MLflow trace."""
from __future__ import annotations

import json
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from psyllm.review.workspace import check_csrf, current_rater, render, workspace
from psyllm.review.exports import argilla, label_studio, ratings_csv
from psyllm.review.ratings import FLAGS, agreement, dialogue_agreement, human_ratings, judge_scores
from psyllm.tracking import reviews

router = APIRouter()


def _queue(ws, rater: str, feedback: list[dict]) -> list[dict]:
    """The answers with who is assigned and whether this rater rated them; the rater's assigned ones first."""
    current = human_ratings(feedback)
    rows = []
    for a in ws.run.answers:
        assigned = reviews.conversation(ws.mlflow, a["trace_id"])["assigned"]
        rows.append({**a, "assigned": assigned, "mine": rater in assigned, "rated": (a["item_id"], rater) in current,
                     "raters": sorted(r for i, r in current if i == a["item_id"])})
    return sorted(rows, key=lambda r: (not r["mine"], r["rated"], r["item_id"]))


@router.get("/rate", response_class=HTMLResponse)
def queue_page(request: Request, rater: str = Depends(current_rater)):
    ws = workspace(request)
    return render(request, "queue.html", rows=_queue(ws, rater, reviews.feedback(ws.mlflow, ws.trace_ids)))


@router.post("/blind")
def set_blind(request: Request, csrf: str = Form(""), blind: str = Form(""), rater: str = Depends(current_rater)):
    check_csrf(request, csrf)
    request.session["blind"] = blind == "on"
    return RedirectResponse(request.headers.get("referer") or "/rate", status_code=303)


def _answer(ws, item_id: str) -> dict:
    answer = next((a for a in ws.run.answers if a["item_id"] == item_id), None)
    if answer is None:
        raise HTTPException(404, f"no answer {item_id!r} under review in this run")
    return answer


@router.get("/rate/{item_id}", response_class=HTMLResponse)
def rating_page(request: Request, item_id: str, rater: str = Depends(current_rater)):
    ws = workspace(request)
    answer = _answer(ws, item_id)
    feedback = reviews.feedback(ws.mlflow, {item_id: answer["trace_id"]})
    mine = human_ratings(feedback).get((item_id, rater), {"scores": {}, "flags": {}, "note": ""})
    return render(request, "rate.html", answer=answer, dims=ws.dims, flags=FLAGS, mine=mine,
                  trace=reviews.conversation(ws.mlflow, answer["trace_id"]),
                  judged=judge_scores(feedback, ws.judge).get(item_id, {}))


async def _save(request: Request, ws, trace_id: str, rater: str) -> None:
    """The posted rating form (a score per dimension, the safety flags, a note) as HUMAN Feedback on the trace."""
    form = await request.form()
    check_csrf(request, form.get("csrf"))
    values: dict = {}
    for d in ws.dims:
        raw = form.get(d.key)
        if raw is None or not str(raw).isdigit() or not d.low <= int(raw) <= d.high:
            raise HTTPException(422, f"{d.key}: choose a score from {d.low} to {d.high}")
        values[d.key] = int(raw)
    raised = set(form.getlist("flag"))
    values.update({f"flag.{f}": f in raised for f in FLAGS})
    reviews.save_rating(ws.mlflow, trace_id, rater, values, str(form.get("note") or "").strip())


@router.post("/rate/{item_id}")
async def save_rating(request: Request, item_id: str, rater: str = Depends(current_rater)):
    ws = workspace(request)
    await _save(request, ws, _answer(ws, item_id)["trace_id"], rater)
    rows = _queue(ws, rater, reviews.feedback(ws.mlflow, ws.trace_ids))
    following = next((r for r in rows if not r["rated"] and (r["mine"] or not r["assigned"])), None)
    return RedirectResponse(f"/rate/{following['item_id'].replace('#', '%23')}" if following else "/rate?done=1",
                            status_code=303)


@router.get("/dialogues/{sample_id}/rate", response_class=HTMLResponse)
def dialogue_rating_page(request: Request, sample_id: str, rater: str = Depends(current_rater)):
    ws = workspace(request)
    d = ws.dialogue(sample_id)
    feedback = reviews.feedback(ws.mlflow, {sample_id: d["trace_id"]})
    mine = human_ratings(feedback).get((sample_id, rater), {"scores": {}, "flags": {}, "note": ""})
    keys = {x.key for x in ws.dims}  # rubric scores of the whole dialogue, where a judge gave them
    judged = [f for f in feedback if f["source_type"] == "LLM_JUDGE" and f["name"] in keys]
    return render(request, "rate_dialogue.html", d=d, dims=ws.dims, flags=FLAGS, mine=mine, judged=judged,
                  verdicts=[v for v in d["verdict_list"] if v["source"] == "LLM_JUDGE"])


@router.post("/dialogues/{sample_id}/rate")
async def save_dialogue_rating(request: Request, sample_id: str, rater: str = Depends(current_rater)):
    ws = workspace(request)
    await _save(request, ws, ws.dialogue(sample_id)["trace_id"], rater)
    return RedirectResponse(f"/dialogues/{quote(sample_id, safe='')}?rated=1", status_code=303)


@router.get("/assign", response_class=HTMLResponse)
def assign_page(request: Request, rater: str = Depends(current_rater)):
    ws = workspace(request)
    rows = _queue(ws, rater, reviews.feedback(ws.mlflow, ws.trace_ids))
    return render(request, "assign.html", rows=rows, raters=ws.accounts.raters)


@router.post("/assign")
async def assign(request: Request, rater: str = Depends(current_rater)):
    ws = workspace(request)
    form = await request.form()
    check_csrf(request, form.get("csrf"))
    for a in ws.run.answers:
        field = f"assign:{a['item_id']}"
        if field in form or f"shown:{a['item_id']}" in form:
            reviews.assign(ws.mlflow, a["trace_id"], [r for r in form.getlist(field) if r in ws.accounts.raters])
    return RedirectResponse("/assign", status_code=303)


def _items(ws) -> dict[str, dict]:
    return {a["item_id"]: reviews.conversation(ws.mlflow, a["trace_id"]) for a in ws.run.answers}


@router.get("/export/{name}")
def export(request: Request, name: str, rater: str = Depends(current_rater)):
    ws = workspace(request)
    current = human_ratings(reviews.feedback(ws.mlflow, ws.trace_ids))
    if name == "ratings.csv":
        body, kind = ratings_csv(current, ws.dims), "text/csv"
    elif name == "dialogue-ratings.csv":  # the same columns, item_id = the dialogue's sample_id
        body, kind = ratings_csv(human_ratings(ws.dialogue_feedback()), ws.dims), "text/csv"
    elif name == "label-studio.json":
        body, kind = json.dumps(label_studio(current, _items(ws), ws.dims), indent=2), "application/json"
    elif name == "argilla.json":
        body, kind = json.dumps(argilla(current, _items(ws), ws.dims), indent=2), "application/json"
    else:
        raise HTTPException(404)
    return Response(body, media_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/agreement", response_class=HTMLResponse)
def agreement_page(request: Request, rater: str = Depends(current_rater)):
    ws = workspace(request)
    case_of = {a["item_id"]: a["case_id"] for a in ws.run.answers}
    stats = agreement(reviews.feedback(ws.mlflow, ws.trace_ids), ws.dims, ws.judge, case_of)
    post_of = {d["sample_id"]: d["post_id"] for d in ws.run.dialogues}
    whole = dialogue_agreement(ws.dialogue_feedback(), ws.dims, post_of)
    return render(request, "agreement.html", stats=stats, judge=ws.judge, whole=whole)
