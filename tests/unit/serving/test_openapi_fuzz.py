"""schemathesis drives the gateway in-process (ASGI) from its own OpenAPI document: schema examples, boundary
values (coverage phase) and random valid and invalid requests (fuzzing), each checked for no server error (5xx),
a documented status, OpenAI-shaped JSON matching the documented schema, and invalid data refused.

The counselor and judge are the scripted engine of tests/fakes.py (the real Generator interface) behind a
Backend adapter, as EngineServer puts an engine behind a Serve handle. One check is off: `positive_data_acceptance`
(every schema-valid request answered 2xx), because two rules the gateway keeps cannot be written in JSON Schema:
the last message comes from the user, and text parts joined stay within serve.max_message_chars."""
import asyncio
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from psyllm.config.schema import SafetySettings, ServeConfig
from psyllm.engines.base import ChatRequest, ChatResponse
from psyllm.serving.gateway import build_app
from tests.fakes import ScriptedGenerator, good_answer

KEY = "fuzz-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
EXAMPLES = 120  # per operation and generation mode: the whole run stays well under a minute on 2 cores
FLOOR = {"GET /health": 20, "GET /v1/models": 20, "GET /v1/models/{model_id}": 20, "POST /v1/chat/completions": 300}  # cases each must have run


class EngineBackend:
    """The gateway's Backend over a Generator, without Ray: one request per engine call, off the event loop."""

    def __init__(self, generator):
        self.generator = generator

    async def chat(self, request: ChatRequest) -> ChatResponse:
        (response,) = await asyncio.to_thread(self.generator.generate, [request])
        return response


# Small limits so generated bodies (12 bytes per escaped character at worst) stay under the body limit.
CFG = ServeConfig(max_messages=4, max_message_chars=200, max_tokens_cap=256, max_body_bytes=32768)
ENGINES = {CFG.counselor.name: ScriptedGenerator(good_answer), CFG.judge.name: ScriptedGenerator(good_answer)}
APP = build_app(CFG, SafetySettings(), lambda: {name: EngineBackend(g) for name, g in ENGINES.items()}, lambda: [KEY])
CONFIG = SchemathesisConfig.from_dict({
    "generation": {"max-examples": EXAMPLES},
    "checks": {"positive_data_acceptance": {"enabled": False}},
})
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG, headers=AUTH)


@pytest.fixture(scope="module")
def ran(request):
    """Cases run per operation; reported, and checked against FLOOR, when the module's tests are done."""
    counts, started, failed = Counter(), time.perf_counter(), request.session.testsfailed
    yield counts
    if not counts or request.session.testsfailed > failed:  # deselected, or a failure already says what broke
        return
    line = f"schemathesis: {sum(counts.values())} cases in {time.perf_counter() - started:.1f} s {dict(counts)}"
    plugins = request.config.pluginmanager
    with plugins.get_plugin("capturemanager").global_and_fixture_disabled():  # shown without -s
        reporter = plugins.get_plugin("terminalreporter")
        reporter.ensure_newline()
        reporter.write_line(line)
    short = {op: n for op, n in counts.items() if n < FLOOR[op]}
    assert not short, f"too few cases ran: {short}"


@schema.parametrize()
@settings(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_the_gateway_conforms_to_its_openapi_schema(case, ran):
    ran[case.operation.label] += 1
    case.call_and_validate(headers=AUTH)


def test_the_schema_states_the_configured_limits_and_auth():
    doc = schema.raw_schema
    request = doc["components"]["schemas"]["ChatCompletionRequest"]["properties"]
    assert request["messages"]["maxItems"] == CFG.max_messages
    assert request["max_tokens"]["anyOf"][0]["maximum"] == CFG.max_tokens_cap
    assert request["model"]["anyOf"][0]["enum"] == [CFG.counselor.name, CFG.judge.name]
    content = doc["components"]["schemas"]["Message"]["properties"]["content"]["anyOf"][0]
    assert content["maxLength"] == CFG.max_message_chars
    assert doc["security"] == [{"bearer": []}]
    chat = doc["paths"]["/v1/chat/completions"]["post"]["responses"]
    assert {"200", "400", "401", "404", "413", "500", "503"} <= set(chat)
