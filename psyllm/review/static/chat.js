// The chat page: sends the conversation to the workspace, which relays the counselor's SSE stream; this reads it
// with fetch + ReadableStream (EventSource cannot POST) and appends each delta as it arrives.
(function () {
  const form = document.getElementById("chat"), log = document.getElementById("log");
  const csrf = form.dataset.csrf, messages = [];

  function bubble(role, text) {
    const div = document.createElement("div");
    div.className = "turn " + (role === "user" ? "client" : "counselor");
    div.innerHTML = '<span class="who"></span><p></p>';
    div.querySelector(".who").textContent = role === "user" ? "You (client)" : "Counselor";
    div.querySelector("p").textContent = text;
    log.appendChild(div);
    return div;
  }

  function post(url, body) {
    return fetch(url, {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
                       body: JSON.stringify(body), credentials: "same-origin"});
  }

  function handle(event, view) {
    if (event.error) { view.answer.textContent += " [error: " + event.error.message + "]"; return; }
    for (const choice of event.choices || []) {
      const delta = choice.delta || {};
      if (delta.content) view.answer.textContent += delta.content;
      if (delta.reasoning_content) {
        if (!view.reasoning) {
          const details = document.createElement("details");
          details.innerHTML = "<summary>Reasoning</summary><p></p>";
          view.div.appendChild(details);
          view.reasoning = details.querySelector("p");
        }
        view.reasoning.textContent += delta.reasoning_content;
      }
    }
    const info = event.psyllm;
    if (info && (info.crisis_resources || (info.screened || []).length)) {
      const note = document.createElement("p");
      note.className = "crisis-banner";
      note.setAttribute("role", "status");
      note.textContent = "Crisis layer acted: risk level " + (info.risk_level || "?") +
        (info.screened ? "; screened: " + info.screened.join(", ") : "") + "; crisis resources given.";
      view.div.appendChild(note);
    }
  }

  form.addEventListener("submit", async function (e) {
    e.preventDefault();
    const box = document.getElementById("message"), text = box.value.trim();
    if (!text) return;
    box.value = "";
    messages.push({role: "user", content: text});
    bubble("user", text);
    const div = bubble("assistant", ""), view = {div: div, answer: div.querySelector("p"), reasoning: null};
    div.setAttribute("aria-busy", "true");
    const resp = await post("/chat/stream", {messages: messages, reasoning: document.getElementById("reasoning").checked});
    if (!resp.ok) { view.answer.textContent = "[" + resp.status + "] " + (await resp.text()); return; }
    const reader = resp.body.getReader(), decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true});
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const line = buffer.slice(0, cut).trim();
        buffer = buffer.slice(cut + 2);
        if (!line.startsWith("data:")) continue;
        const data = line.slice(5).trim();
        if (data !== "[DONE]") handle(JSON.parse(data), view);
      }
    }
    div.setAttribute("aria-busy", "false");
    div.dataset.done = "1";
    messages.push({role: "assistant", content: view.answer.textContent});
  });

  document.getElementById("save").addEventListener("submit", async function (e) {
    e.preventDefault();
    const resp = await post("/chat/save", {messages: messages, topic: document.getElementById("topic").value});
    const out = document.getElementById("saved");
    out.textContent = resp.ok ? "Saved as " + (await resp.json()).case_id : "Not saved: " + (await resp.text());
  });
})();
