"""The HTTP engine against a local OpenAI-compatible server that injects 429s and 500s."""
from psyllm.config.schema import EngineConfig, OpenAIOptions
from psyllm.engines.base import ChatRequest, Sampling
from psyllm.engines.openai_http import OpenAIHTTPGenerator
from tests.openai_stub import OpenAIStub


def _cfg(url, **kw):
    return EngineConfig(kind="openai", model="stub",
                        openai=OpenAIOptions(base_url=url, backoff_s=0.01, max_concurrency=4, **kw))


def test_retries_recover_every_request_in_order(monkeypatch):
    monkeypatch.setenv("STUB_KEY", "secret")
    with OpenAIStub(fail_every=3, error_every=5) as stub:
        # ~47% of calls fail by design; arrival order varies under load, so a request can meet several failing
        # call numbers in a row: 10 retries make giving up ~1e-4 likely per run instead of ~15%.
        gen = OpenAIHTTPGenerator(_cfg(stub.base_url, api_key_env="STUB_KEY", max_retries=10))
        reqs = [ChatRequest([{"role": "user", "content": f"m{i}"}], Sampling(max_tokens=8), request_id=str(i))
                for i in range(30)]
        out = gen.generate(reqs)
    assert [r.request_id for r in out] == [str(i) for i in range(30)]
    assert all(r.ok for r in out), [r.error for r in out if not r.ok]
    assert stub.status[429] > 0 and stub.status[500] > 0 and gen.retries_done == stub.status[429] + stub.status[500]
    assert out[0].reasoning and out[0].text.startswith("I hear you") and out[0].completion_tokens == 7
    assert max(stub.answered.values()) == 1  # each request answered once: none duplicated


def test_gives_up_with_an_error_not_an_exception():
    gen = OpenAIHTTPGenerator(_cfg("http://127.0.0.1:9/v1", max_retries=2, timeout_s=1))
    (resp,) = gen.generate([ChatRequest([{"role": "user", "content": "x"}], request_id="a")])
    assert not resp.ok and "ConnectError" in resp.error and gen.retries_done == 2
