"""Verdicts of the deploy checks on the real-world BPMN corpus, per source, next to raw SpiffWorkflow's
baseline (``../shared/corpora/parse_baseline.md``).

    .venv/bin/python bench/corpus_verdicts.py

Each file is wrapped in a generated manifest (``engine/bundles/wrap.py``) with the sibling files a
deployment would carry, then put through exactly the checks ``POST /api/bundles`` runs (nothing stored).
"""

import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.bundles.validation import check
from engine.errors import Invalid
from tests.bundles.corpus import CORPUS, corpus_bundles


def _reason(message: str) -> str:
    """A problem's class: its message without the element ids and names it mentions."""
    words = [w for w in message.split() if not any(c.isdigit() for c in w) and not w.startswith(("'", '"'))]
    return " ".join(words[:8])


def main() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS}")
    per_source: dict[str, Counter] = defaultdict(Counter)
    reasons: Counter = Counter()
    element_named = 0
    started = time.perf_counter()
    for name, files in corpus_bundles():
        source = name.split("/", 1)[0]
        try:
            check(files)
            per_source[source]["deployable (201)"] += 1
        except Invalid as exc:
            per_source[source]["refused (422)"] += 1
            first = exc.errors[0]
            element_named += len(first.loc) > 1
            reasons[_reason(first.message)] += 1
    seconds = time.perf_counter() - started
    total = Counter()
    print(f"{'source':<32} {'files':>5} {'201':>5} {'422':>5}")
    for source, counts in sorted(per_source.items()):
        total.update(counts)
        n = sum(counts.values())
        print(f"{source:<32} {n:>5} {counts['deployable (201)']:>5} {counts['refused (422)']:>5}")
    n = sum(total.values())
    print(f"{'total':<32} {n:>5} {total['deployable (201)']:>5} {total['refused (422)']:>5}")
    print(f"\nrefusals naming an element (not only a file): {element_named} of {total['refused (422)']}")
    print(f"checked {n} files in {seconds:.1f} s ({1000 * seconds / n:.0f} ms each); 0 internal errors, 0 hangs")
    print("\nmost frequent first problems of refused files:")
    for reason, count in reasons.most_common(12):
        print(f"  {count:>3}  {reason}")


if __name__ == "__main__":
    main()
