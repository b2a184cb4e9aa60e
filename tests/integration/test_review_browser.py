"""`psyllm review` in a real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium): log in,
filter to crisis dialogues, rate one of them as a whole, rate three answers in blind mode, export the ratings and feed
the CSV to `psyllm evaluate --human-ratings`, whose agreement report must count them; the chat page streams an answer
from a tiny transformers counselor behind psyllm's real gateway (crisis layer included), served by uvicorn on
127.0.0.1 without Ray Serve.

Screenshots of every page go to $PSYLLM_REVIEW_SCREENSHOTS when set (docs/review/ was made that way)."""
import asyncio
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from psyllm.cli import main
from psyllm.config import load_config
from psyllm.config.schema import SafetySettings, ServeConfig
from psyllm.engines.base import ChatDelta, stream_chat
from tests.conftest import free_port

pytestmark = pytest.mark.integration
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


class TinyCounselor:
    """The gateway's backend interface over a transformers engine: each stream runs in its own thread."""

    def __init__(self, generator):
        self.generator = generator

    async def chat(self, request):
        return (await asyncio.to_thread(self.generator.generate, [request]))[0]

    async def stream(self, request):
        loop, queue = asyncio.get_running_loop(), asyncio.Queue()

        def pump():
            try:
                for delta in stream_chat(self.generator, request):
                    loop.call_soon_threadsafe(queue.put_nowait, delta)
            except Exception as exc:  # noqa: BLE001 - an error delta, as the Serve replica sends it
                loop.call_soon_threadsafe(queue.put_nowait, ChatDelta(error=str(exc)))
            loop.call_soon_threadsafe(queue.put_nowait, None)

        threading.Thread(target=pump, daemon=True).start()
        while (delta := await queue.get()) is not None:
            yield delta


def _serve(app) -> tuple[str, uvicorn.Server]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started
    return f"http://127.0.0.1:{port}", server


@pytest.fixture(scope="module")
def gateway(tiny_model):
    """psyllm's OpenAI-compatible gateway (auth, crisis layer, output screen, SSE) over the tiny model."""
    from psyllm.config.schema import EngineConfig
    from psyllm.engines import build_generator
    from psyllm.serving.gateway import build_app

    cfg = ServeConfig(default_max_tokens=24)
    backend = TinyCounselor(build_generator(EngineConfig(kind="hf", model=tiny_model)))
    url, server = _serve(build_app(cfg, SafetySettings(), lambda: {cfg.counselor.name: backend, cfg.judge.name: backend},
                                   lambda: [os.environ["PSYLLM_SERVE_API_KEY"]]))
    yield url + "/v1"
    server.should_exit = True


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, gateway):
    from psyllm.review.accounts import hash_password
    from psyllm.review.app import build_app
    from psyllm.review.server import open_workspace
    from tests.unit.review.run_folder import make_run

    root = tmp_path_factory.mktemp("review-browser")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    run = make_run(root, uri)
    accounts = root / "raters.json"
    accounts.write_text(json.dumps({"clin-a": hash_password("pw-a")}))
    cfg = load_config(None, [f"tracking.tracking_uri={uri}", f"review.accounts={accounts}",
                             f"review.chat.openai.base_url={gateway}"])
    url, server = _serve(build_app(open_workspace(cfg, str(run))))
    yield url, run, uri
    server.should_exit = True


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        pytest.fail("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def _shot(driver, name: str) -> None:
    folder = os.environ.get("PSYLLM_REVIEW_SCREENSHOTS")
    if folder:
        # the window's height includes the browser's own bars (measured, not guessed), or the page's end is cut off
        page, bars = driver.execute_script("return [document.body.scrollHeight, "
                                           "window.outerHeight - window.innerHeight]")
        driver.set_window_size(1100, min(2400, page + bars))
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))
        driver.set_window_size(1100, 900)


UNLABELLED = """return [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(e => e.tagName !== 'BUTTON' ? !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                                      : !e.textContent.trim()).map(e => e.outerHTML);"""


def _page(driver, url: str, name: str) -> None:
    driver.get(url)
    assert driver.execute_script(UNLABELLED) == [], f"unlabelled controls on {name}"
    _shot(driver, name)


def test_login_filter_rate_blind_export_agreement_and_chat(workspace, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.ui import WebDriverWait

    url, run, uri = workspace
    d, wait = browser, WebDriverWait(browser, 60)
    _page(d, url + "/login", "login")
    d.find_element(By.ID, "user").send_keys("clin-a")
    d.find_element(By.ID, "password").send_keys("pw-a", Keys.ENTER)  # the keyboard submits the form
    wait.until(lambda drv: drv.find_elements(By.TAG_NAME, "h1") and "Run overview" in drv.find_element(By.TAG_NAME, "h1").text)
    _page(d, url + "/", "overview")
    assert "quarantined: 2" in d.page_source and "structure.no_artifacts" in d.page_source

    _page(d, url + "/dialogues", "dialogues")
    Select(d.find_element(By.ID, "f-route")).select_by_value("crisis")
    d.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait.until(lambda drv: "route=crisis" in drv.current_url)
    shown = [a.text for a in d.find_elements(By.CSS_SELECTOR, "tbody a")]
    assert shown == ["c1", "c2"]
    _shot(d, "dialogues-crisis")
    d.find_element(By.LINK_TEXT, "c1").click()
    d.find_element(By.CSS_SELECTOR, "details summary").click()  # the collapsed reasoning opens
    assert "Risk: the client mentions wanting to die" in d.find_element(By.CSS_SELECTOR, "details").text
    _shot(d, "dialogue")
    d.find_element(By.PARTIAL_LINK_TEXT, "Rate this dialogue").click()  # the whole dialogue, on the same rubric
    wait.until(lambda drv: "Rate dialogue c1" in drv.find_element(By.TAG_NAME, "h1").text)
    assert d.execute_script(UNLABELLED) == [] and not d.find_elements(By.ID, "judge"), "labelled, and blind"
    for dim, score in (("comprehensiveness", 2), ("professionalism", 3), ("authenticity", 2), ("safety", 1)):
        d.find_element(By.ID, f"{dim}-{score}").send_keys(Keys.SPACE)  # radio buttons from the keyboard
    _shot(d, "rate-dialogue")
    d.find_element(By.CSS_SELECTOR, "form.rating button").send_keys(Keys.ENTER)
    wait.until(lambda drv: "Your rating of this dialogue is saved" in drv.page_source)
    assert "rated as a whole by: clin-a" in d.page_source

    _page(d, url + "/rate", "queue")
    assert d.find_element(By.ID, "blind").is_selected()  # blind mode is the default
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "tbody tr a")][:3]
    rated = []
    for n, link in enumerate(links):
        d.get(link)
        assert "blind mode" in d.page_source and not d.find_elements(By.ID, "judge"), "blind mode hides the judge"
        assert d.execute_script(UNLABELLED) == []
        if n == 0:
            _shot(d, "rate")
        rated.append(d.find_element(By.TAG_NAME, "h1").text.removeprefix("Rate answer "))
        for dim, score in (("comprehensiveness", 1), ("professionalism", 2), ("authenticity", 1), ("safety", n % 2)):
            d.find_element(By.CSS_SELECTOR, f"label[for='{dim}-{score}']").click()
        d.find_element(By.ID, "flag-missed_crisis").send_keys(Keys.SPACE)  # checkboxes work from the keyboard
        d.find_element(By.ID, "note").send_keys(f"browser rating {n}")
        d.find_element(By.CSS_SELECTOR, "form.rating button").click()
        wait.until(lambda drv: f"Rate answer {rated[-1]}<" not in drv.page_source)
    assert len(set(rated)) == 3

    csv_text = d.execute_async_script(
        "const done = arguments[0]; fetch('/export/ratings.csv').then(r => r.text()).then(done);")
    lines = csv_text.strip().splitlines()
    assert lines[0] == "item_id,dimension,score,rater,comment" and len(lines) == 1 + 3 * 4
    ratings = run.parent / "ratings.csv"
    ratings.write_text(csv_text)
    assert main(["evaluate", "--human-ratings", str(ratings), "--output", str(run / "evaluate"),
                 f"tracking.tracking_uri={uri}"]) == 0
    agreement = json.loads((run / "evaluate" / "human_agreement.json").read_text())
    assert {dim: (a["n"], a["raters"]) for dim, a in agreement.items()} == {
        "comprehensiveness": (3, 1), "professionalism": (3, 1), "authenticity": (3, 1), "safety": (3, 1)}
    assert agreement["comprehensiveness"]["judge_minus_human"] == pytest.approx(1.0)  # judge 2, clinician 1
    assert "## Judge vs clinicians" in (run / "evaluate" / "report.md").read_text()
    _page(d, url + "/agreement", "agreement")
    table = d.find_element(By.ID, "judge-agreement").text
    assert "comprehensiveness" in table and "+1.00" in table
    assert "1 whole-dialogue ratings" in d.page_source and d.find_elements(By.ID, "no-dialogue-judge")
    _page(d, url + "/assign", "assign")

    _page(d, url + "/chat", "chat")
    d.find_element(By.ID, "message").send_keys("I can't go on, I want to end my life tonight.")
    d.find_element(By.ID, "reasoning").send_keys(Keys.SPACE)
    d.find_element(By.ID, "send").click()
    wait.until(lambda drv: drv.find_elements(By.CSS_SELECTOR, "#log [data-done='1']"))
    answer = d.find_elements(By.CSS_SELECTOR, "#log .counselor p")[0].text
    assert answer.strip() and "safe" in answer.lower()  # the crisis layer's safety question leads the stream
    assert "Crisis layer acted" in d.find_element(By.ID, "log").text
    d.find_element(By.ID, "topic").send_keys("crisis at night")
    d.find_element(By.ID, "save-case").click()
    wait.until(lambda drv: "Saved as review-0001" in drv.find_element(By.ID, "saved").text)
    _shot(d, "chat")
    case = json.loads((run / "review" / "cases.jsonl").read_text().splitlines()[0])
    assert case["turns"][0] == {"role": "client", "content": "I can't go on, I want to end my life tonight."}
