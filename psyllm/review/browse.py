"""Browsing a run: the overview (counts per stage, pass rates per criterion, the benchmark charts), the dialogue
list with its filters, one dialogue with every turn's reasoning, every verdict and who rated it as a whole (all read
from the dialogue's MLflow trace)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from psyllm.review.workspace import current_rater, render, workspace
from psyllm.review.ratings import human_ratings
from psyllm.review.run_folder import choices, overview, select_dialogues
from psyllm.tracking import reviews

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, rater: str = Depends(current_rater)):
    ws = workspace(request)
    return render(request, "overview.html", view=overview(ws.run), answers=len(ws.run.answers),
                  dialogues=len(ws.run.dialogues))


@router.get("/charts/{name}")
def chart(request: Request, name: str, rater: str = Depends(current_rater)):
    ws = workspace(request)
    folder = ws.run.folder("evaluate")
    if folder is None or name not in overview(ws.run)["charts"]:  # only the listed files: no path from the URL
        raise HTTPException(404)
    return FileResponse(folder / name, media_type="image/png")


@router.get("/dialogues", response_class=HTMLResponse)
def dialogue_list(request: Request, route: str = "", outcome: str = "", failed: str = "", topic: str = "",
                  approach: str = "", min_judge: str = "", rater: str = Depends(current_rater)):
    ws = workspace(request)
    floor = int(min_judge) if min_judge.strip().isdigit() else None
    shown = select_dialogues(ws.run.dialogues, route, outcome, failed, topic, approach, floor)
    chosen = {"route": route, "outcome": outcome, "failed": failed, "topic": topic, "approach": approach,
              "min_judge": min_judge}
    return render(request, "dialogues.html", dialogues=shown, total=len(ws.run.dialogues),
                  options=choices(ws.run.dialogues), chosen=chosen)


@router.get("/dialogues/{sample_id}", response_class=HTMLResponse)
def dialogue_page(request: Request, sample_id: str, rater: str = Depends(current_rater)):
    ws = workspace(request)
    d = ws.dialogue(sample_id)
    raters = sorted(r for _, r in human_ratings(reviews.feedback(ws.mlflow, {sample_id: d["trace_id"]})))
    return render(request, "dialogue.html", d=d, raters=raters, rated=request.query_params.get("rated"))
