"""The workspace through FastAPI's TestClient over a real run folder and MLflow store: login and CSRF, browsing,
rating into MLflow Feedback (blind mode, replacement, several raters), assignment, exports, agreement, saving a case."""
import re

import pytest
from fastapi.testclient import TestClient

from psyllm.evaluation.cases import load_cases
from psyllm.evaluation.human import read_ratings
from psyllm.evaluation.rubric import rubric
from psyllm.review.accounts import Accounts, check_password, hash_password
from psyllm.review.app import build_app
from psyllm.tracking import reviews

SCORES = {"comprehensiveness": "1", "professionalism": "2", "authenticity": "1", "safety": "0"}


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def client_for(ws, user="clin-a", password="pw-a") -> TestClient:
    client = TestClient(build_app(ws))
    page = client.get("/login")
    r = client.post("/login", data={"user": user, "password": password, "csrf": _csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    return client


def test_passwords_are_scrypt_hashes_and_the_serve_key_is_a_single_user(monkeypatch):
    stored = hash_password("s3cret")
    assert stored.startswith("scrypt$") and "s3cret" not in stored
    assert check_password("s3cret", stored) and not check_password("s3cret!", stored)
    monkeypatch.setenv("REVIEW_TEST_KEY", "k1,k2")
    single = Accounts("", "REVIEW_TEST_KEY")
    assert single.login("", "k2") == "reviewer" and single.login("", "nope") is None
    monkeypatch.delenv("REVIEW_TEST_KEY")
    with pytest.raises(ValueError, match="no reviewer can log in"):
        Accounts("", "REVIEW_TEST_KEY")


def test_pages_need_a_login_and_forms_need_the_session_token(ws):
    client = TestClient(build_app(ws))
    for path in ("/", "/dialogues", "/rate", "/agreement", "/chat", "/export/ratings.csv"):
        r = client.get(path, follow_redirects=False)
        assert (r.status_code, r.headers.get("location")) == (303, "/login"), path
    page = client.get("/login")
    assert client.post("/login", data={"user": "clin-a", "password": "pw-a"}).status_code == 403  # no CSRF token
    bad = client.post("/login", data={"user": "clin-a", "password": "wrong", "csrf": _csrf(page.text)},
                      follow_redirects=False)
    assert bad.headers["location"] == "/login?error=1"
    logged = client_for(ws)
    answer = ws.run.answers[0]["item_id"].replace("#", "%23")
    assert logged.post(f"/rate/{answer}", data={**SCORES, "csrf": "forged"}).status_code == 403
    assert logged.post("/chat/save", json={"messages": [{"role": "user", "content": "hi"}]}).status_code == 403


def test_overview_and_dialogues_filter_by_route_outcome_and_criterion(ws):
    client = client_for(ws)
    home = client.get("/").text
    assert "ingest" in home and "quarantined: 2" in home and "structure.no_artifacts" in home
    assert '<img src="/charts/dimensions.png"' in home and client.get("/charts/dimensions.png").status_code == 200
    assert client.get("/charts/..%2Fitems.jsonl").status_code == 404
    crisis = client.get("/dialogues", params={"route": "crisis"}).text
    assert re.findall(r'href="/dialogues/(\w+)"', crisis) == ["c1", "c2"] and "2 of 5 dialogues" in crisis
    failed = client.get("/dialogues", params={"failed": "structure.no_artifacts"}).text
    assert re.findall(r'href="/dialogues/(\w+)"', failed) == ["s3"]
    kept = client.get("/dialogues", params={"outcome": "kept", "approach": "humanistic"}).text
    assert re.findall(r'href="/dialogues/(\w+)"', kept) == ["c1", "c2"]
    one = client.get("/dialogues/c1").text
    assert "<summary>Reasoning</summary>" in one and "6A70" in one and "humanistic" in one
    assert "judge" in one and "grounded" in one and "Are you safe right now" in one
    assert client.get("/dialogues/nope").status_code == 404


def _rate(client, item_id, scores=SCORES, flags=("missed_crisis",), note="too generic"):
    page = client.get(f"/rate/{item_id.replace('#', '%23')}")
    data = {**scores, "flag": list(flags), "note": note, "csrf": _csrf(page.text)}
    return page, client.post(f"/rate/{item_id.replace('#', '%23')}", data=data, follow_redirects=False)


def test_ratings_are_human_feedback_blind_mode_hides_the_judge_and_a_new_rating_replaces_the_old(ws):
    client = client_for(ws)
    item = ws.run.answers[0]
    page, saved = _rate(client, item["item_id"])
    assert "blind mode" in page.text and 'id="judge"' not in page.text and 'for="comprehensiveness-2"' in page.text
    assert saved.status_code == 303 and saved.headers["location"].startswith("/rate/")
    human = [f for f in reviews.feedback(ws.mlflow, {item["item_id"]: item["trace_id"]}) if f["source_type"] == "HUMAN"]
    assert {(f["name"], f["value"], f["source_id"]) for f in human} >= {("safety", 0, "clin-a"),
                                                                        ("flag.missed_crisis", True, "clin-a"),
                                                                        ("flag.medication", False, "clin-a")}
    _rate(client, item["item_id"], {**SCORES, "safety": "1"}, flags=())
    again = [f for f in reviews.feedback(ws.mlflow, {item["item_id"]: item["trace_id"]}) if f["source_type"] == "HUMAN"]
    assert len(again) == len(human) and {(f["name"], f["value"]) for f in again} >= {("safety", 1), ("flag.missed_crisis", False)}
    # Blind mode off: the judge's scores and reasons are shown.
    client.post("/blind", data={"csrf": _csrf(page.text)})
    shown = client.get(f"/rate/{item['item_id'].replace('#', '%23')}").text
    assert 'id="judge"' in shown and "safety: 1" in shown
    bad = client.post(f"/rate/{item['item_id'].replace('#', '%23')}", data={**SCORES, "safety": "7", "csrf": _csrf(page.text)})
    assert bad.status_code == 422


def test_assignment_exports_and_agreement_with_two_raters(ws):
    a, b = client_for(ws), client_for(ws, "clin-b", "pw-b")
    items = [x["item_id"] for x in ws.run.answers]
    form = a.get("/assign").text
    data = {"csrf": _csrf(form), **{f"shown:{i}": "1" for i in items}, f"assign:{items[2]}": ["clin-b"]}
    assert a.post("/assign", data=data, follow_redirects=False).status_code == 303
    assert reviews.conversation(ws.mlflow, ws.run.answers[2]["trace_id"])["assigned"] == ["clin-b"]
    queue = b.get("/rate").text
    assert re.findall(r'href="/rate/([^"]+)"', queue)[0] == items[2].replace("#", "%23")  # assigned first
    for i in items[:3]:
        _rate(a, i, {**SCORES, "comprehensiveness": "2"})
        _rate(b, i, {**SCORES, "comprehensiveness": "2", "safety": "1"})
    dims = rubric("cpsycoune")
    csv_text = a.get("/export/ratings.csv").text
    rows = read_ratings(csv_text, dims, set(items))  # what `psyllm evaluate --human-ratings` accepts
    assert len(rows) == 2 * 3 * 4 and {r["rater"] for r in rows} == {"clin-a", "clin-b"}
    ls = a.get("/export/label-studio.json").json()
    assert len(ls) == 3 and ls[0]["data"]["messages"][0]["role"] == "user"
    assert {r["from_name"] for r in ls[0]["annotations"][0]["result"]} >= {"safety", "comprehensiveness"}
    ar = a.get("/export/argilla.json").json()
    assert ar[0]["responses"][0]["values"]["safety"]["value"] in (0, 1) and ar[0]["fields"]["answer"]
    page = a.get("/agreement").text
    assert 'id="judge-agreement"' in page and "clin-a vs clin-b" in page
    # safety: the raters disagree on every answer (0 vs 1): kappa below 1; comprehensiveness agrees (2 vs 2)
    assert re.search(r"clin-a vs clin-b</td><td>comprehensiveness</td><td>3</td><td>1.00", page)
    assert re.search(r"clin-a vs clin-b</td><td>safety</td><td>3</td><td>(-?0\.\d\d)", page)


def test_a_conversation_is_saved_as_a_benchmark_case(ws):
    client = client_for(ws)
    token = _csrf(client.get("/chat").text)
    talk = [{"role": "user", "content": "I can't sleep before exams."}, {"role": "assistant", "content": "What keeps you up?"},
            {"role": "user", "content": "Thinking I will fail."}, {"role": "assistant", "content": "That sounds scary."}]
    r = client.post("/chat/save", json={"messages": talk, "topic": "exams"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["case_id"] == "review-0001"
    (case,) = load_cases(str(ws.cases_path))
    assert case.topic == "exams" and [t["role"] for t in case.turns] == ["client", "counselor", "client"]
    nothing = client.post("/chat/save", json={"messages": [{"role": "assistant", "content": "hi"}]},
                          headers={"X-CSRF-Token": token})
    assert nothing.status_code == 422
    assert client.post("/chat/stream", json={"messages": talk}, headers={"X-CSRF-Token": token}).status_code == 409


def test_the_review_command_needs_a_run_folder_with_stage_output(tmp_path, capsys):
    from psyllm.cli import main

    assert main(["review"]) == 2 and "--run" in capsys.readouterr().err
    assert main(["review", "--run", str(tmp_path)]) == 2 and "no stage output" in capsys.readouterr().err
    assert main(["review", "--run", str(tmp_path / "missing")]) == 2 and "not a folder" in capsys.readouterr().err
