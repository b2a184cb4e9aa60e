"""The benchmark report: Markdown with a table per section and PNG charts of each dimension's mean and its
95% interval, and of the safety suite's pass rates."""
from __future__ import annotations

from pathlib import Path


def _chart_dimensions(summary: dict, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    dims = summary["dimensions"]
    names = list(dims)
    fig, axes = plt.subplots(1, len(names), figsize=(2.6 * len(names), 3.2), squeeze=False)
    for ax, name in zip(axes[0], names):
        d = dims[name]
        mean = d["mean"] if d["n"] else 0.0
        err = [[max(0.0, mean - d["low"])], [max(0.0, d["high"] - mean)]] if d["n"] else None
        ax.bar([0], [mean], color="#4C72B0", width=0.5, yerr=err, capsize=8)
        ax.set_ylim(0, d["max"])
        ax.set_xticks([])
        ax.set_title(f"{name}\n{mean:.2f} [{d['low']:.2f}, {d['high']:.2f}]" if d["n"] else f"{name}\n(no scores)", fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _chart_safety(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    suite = summary["safety_suite"]
    kinds = sorted({k for level in suite.values() for k in level})
    fig, ax = plt.subplots(figsize=(5, 3))
    for offset, (level, color) in enumerate((("model", "#C44E52"), ("system", "#55A868"))):
        rates = [suite.get(level, {}).get(k, {}).get("pass_rate", 0.0) for k in kinds]
        ax.bar([i + 0.4 * offset for i in range(len(kinds))], rates, width=0.4, color=color, label=level)
    ax.set_xticks([i + 0.2 for i in range(len(kinds))], kinds)
    ax.legend(fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("pass rate")
    ax.set_title("safety suite", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _dimension_table(summary: dict) -> list[str]:
    lines = ["| dimension | mean | 95% CI | failed | mean of judged | range | answers (dialogues) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, d in summary["dimensions"].items():
        lines.append(f"| {name} | {d['mean']:.3f} | [{d['low']:.3f}, {d['high']:.3f}] | {d['failed']} "
                     f"({d['failure_rate']:.0%}) | {d['mean_judged']:.3f} | {d['min']}-{d['max']} | "
                     f"{d['n']} ({d['clusters']}) |")
    return lines


def _levels(summary: dict) -> list[str]:
    levels = summary.get("levels", {})
    if len(levels) < 2:
        return []
    lines = ["## The counselor alone and the served system", "", "`model`: the counselor's own answers; `system`: "
             "what the served system returns (after the gateway). Means with failures at the lowest score.", "",
             "| dimension | model | 95% CI | system | 95% CI |", "| --- | --- | --- | --- | --- |"]
    for dim, m in levels["model"].items():
        sy = levels["system"][dim]
        lines.append(f"| {dim} | {m['mean']:.3f} | [{m['low']:.3f}, {m['high']:.3f}] | {sy['mean']:.3f} | "
                     f"[{sy['low']:.3f}, {sy['high']:.3f}] |")
    return lines + [""]


def _agreement(summary: dict) -> list[str]:
    rows = [(dim, label, a) for dim, judges in summary.get("judges_agreement", {}).items() for label, a in judges.items()]
    if not rows:
        return ["Agreement between judges: one judge only (add `evaluate.judges` to measure it; agreement with "
                "clinicians comes from human ratings, `psyllm evaluate --human-ratings`).", ""]
    lines = ["## Agreement between judges", "", "Quadratic-weighted Cohen's kappa of each other judge with the main "
             "judge, on the answers both scored, with a dialogue-level bootstrap interval.", "",
             "| dimension | judge | kappa | 95% CI | n |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {dim} | {label} | {a['kappa']:.2f} | [{a['low']:.2f}, {a['high']:.2f}] | {a['n']} |"
              for dim, label, a in rows]
    return lines + [""]


def write_report(out_dir: str, summary: dict, meta: dict) -> list[str]:
    """report.md + charts in `out_dir` (local); returns the written file names."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _chart_dimensions(summary, out / "dimensions.png", f"{meta.get('model', '')} — rubric {summary['rubric']}")
    files = ["report.md", "dimensions.png"]
    c = summary["counts"]
    lines = [f"# psyllm benchmark: {meta.get('model', '')}", "",
             f"**Split: `{summary.get('split', meta.get('split', ''))}`.** Judge `{meta.get('judge', '')}`, rubric "
             f"`{summary['rubric']}`, {c['dialogue_items']} dialogue answers from {c.get('dialogues', '?')} dialogues "
             f"(turn-based), judged {meta.get('judge_repeats', 1)}x each. Every answer counts: a failed answer or "
             "verdict scores the rubric's lowest value and is counted under `failed`. 95% intervals resample whole "
             "dialogues.", ""] + _dimension_table(summary)
    lines += ["", "![dimensions](dimensions.png)", ""] + _levels(summary) + _agreement(summary)
    for rubric_name, other in summary.get("also_rubrics", {}).items():
        lines += [f"## The same answers on the `{rubric_name}` rubric", ""] + _dimension_table(other) + [""]
    suite = summary["safety_suite"]
    if suite:
        _chart_safety(summary, out / "safety.png")
        files.append("safety.png")
        lines += ["## Safety suite", "", "`model`: the counselor's own answer; `system`: the answer the served system "
                  "gives (after the gateway's crisis layer). A gap means the gateway, not the model, is safe. "
                  "Adversarial probes fail when the reply rules or the judge's verdict flag the answer.", "",
                  "| level | probes | passed | n | pass rate |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {level} | {k} | {s['passed']} | {s['n']} | {s['pass_rate']:.2f} |"
                  for level, kinds in suite.items() for k, s in kinds.items()]
        lines += ["", "![safety](safety.png)", ""]
    lines += ["## Counts", "", f"- answers that failed: {c['answer_errors']}",
              f"- unparseable judge verdicts: {c['judge_failures']} (the answer scores the lowest value if none parsed)",
              f"- dialogue answers with at least one valid verdict: {c['judged_items']}",
              f"- MLflow traces written (one per answer, verdicts as assessments): {c.get('traces', 0)}", ""]
    (out / "report.md").write_text("\n".join(lines))
    return files
