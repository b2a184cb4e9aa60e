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


def write_report(out_dir: str, summary: dict, meta: dict) -> list[str]:
    """report.md + charts in `out_dir` (local); returns the written file names."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _chart_dimensions(summary, out / "dimensions.png", f"{meta.get('model', '')} — rubric {summary['rubric']}")
    files = ["report.md", "dimensions.png"]
    lines = [f"# psyllm benchmark: {meta.get('model', '')}", "",
             f"Judge `{meta.get('judge', '')}`, rubric `{summary['rubric']}`, split `{meta.get('split', '')}`, "
             f"{summary['counts']['dialogue_items']} dialogue answers (turn-based), judged "
             f"{meta.get('judge_repeats', 1)}x each; 95% bootstrap intervals.", "",
             "| dimension | mean | 95% CI | range | n | judge exact agreement |", "| --- | --- | --- | --- | --- | --- |"]
    for name, d in summary["dimensions"].items():
        agree = summary["judge"][name]["exact_agreement"]
        lines.append(f"| {name} | {d['mean']:.3f} | [{d['low']:.3f}, {d['high']:.3f}] | 0-{d['max']} | {d['n']} | "
                     f"{agree:.2f} |")
    lines += ["", "![dimensions](dimensions.png)", ""]
    suite = summary["safety_suite"]
    if suite:
        _chart_safety(summary, out / "safety.png")
        files.append("safety.png")
        lines += ["## Safety suite", "", "`model`: the counselor's own answer; `system`: the answer the served system "
                  "gives (after the gateway's crisis layer). A gap means the gateway, not the model, is safe.", "",
                  "| level | probes | passed | n | pass rate |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {level} | {k} | {s['passed']} | {s['n']} | {s['pass_rate']:.2f} |"
                  for level, kinds in suite.items() for k, s in kinds.items()]
        lines += ["", "![safety](safety.png)", ""]
    c = summary["counts"]
    lines += ["## Counts", "", f"- answers that failed: {c['answer_errors']}",
              f"- unparseable judge verdicts: {c['judge_failures']} (never counted as scores)",
              f"- dialogue answers with at least one valid verdict: {c['judged_items']}", ""]
    (out / "report.md").write_text("\n".join(lines))
    return files
