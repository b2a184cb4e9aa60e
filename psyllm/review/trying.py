"""Trying the model: the chat page, the streamed relay to the served counselor, saving a conversation as a case."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from psyllm.review.workspace import check_csrf, current_rater, render, workspace
from psyllm.review.chat import relay, save_case

router = APIRouter()


async def _messages(request: Request) -> tuple[dict, list[dict]]:
    check_csrf(request, request.headers.get("x-csrf-token", ""))
    body = await request.json()
    messages = [{"role": str(m.get("role")), "content": str(m.get("content", ""))} for m in body.get("messages", [])
                if isinstance(m, dict) and m.get("role") in ("user", "assistant")]
    if not messages:
        raise HTTPException(422, "no messages")
    return body, messages


@router.get("/chat", response_class=HTMLResponse)
def chat_page(request: Request, rater: str = Depends(current_rater)):
    ws = workspace(request)
    return render(request, "chat.html", model=ws.cfg.chat.model, base_url=ws.cfg.chat.openai.base_url)


@router.post("/chat/stream")
async def chat_stream(request: Request, rater: str = Depends(current_rater)):
    ws = workspace(request)
    body, messages = await _messages(request)
    if not ws.cfg.chat.openai.base_url:
        raise HTTPException(409, "no counselor to talk to: set review.chat.openai.base_url")
    return StreamingResponse(relay(ws.cfg.chat, messages, bool(body.get("reasoning"))),
                             media_type="text/event-stream", headers={"Cache-Control": "no-store"})


@router.post("/chat/save")
async def chat_save(request: Request, rater: str = Depends(current_rater)):
    ws = workspace(request)
    body, messages = await _messages(request)
    try:
        case = save_case(ws.cases_path, messages, str(body.get("topic") or ""))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"case_id": case["case_id"], "path": str(ws.cases_path)}
