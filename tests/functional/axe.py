"""axe-core on every page a journey visits (DESIGN.md §4 rule 7, §8: zero violations, WCAG 2.2 AA).

`assert_accessible(page)` runs axe-core on the page as it is now and fails listing each violation.
To make a forgotten check hard, the functional conftest attaches a `PageTracker` to every page:
it records each document the page loads (redirect chains end in one document), and at the end of
the test fails if any of them was never axe-checked. A journey therefore either checks each page
it passes through, or fails.

The tracker also fails on any Content Security Policy violation the browser reports, so the
journeys run under the real CSP rather than around it (see `_inject_axe` for why no bypass is
needed).
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from playwright.sync_api import ConsoleMessage, Page

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_AXE_RUN = """
(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then((results) => results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
  })))
"""


@dataclass
class Load:
    url: str
    checked: bool = False


@dataclass
class PageTracker:
    """The documents one page has loaded, whether each was axe-checked, and any CSP violations."""

    page: Page
    loads: list[Load] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("load", self._on_load)
        self.page.on("console", self._on_console)

    def _on_load(self, page: Page) -> None:
        if page.url != "about:blank":
            self.loads.append(Load(page.url))

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def mark_checked(self) -> None:
        if self.loads:
            self.loads[-1].checked = True

    def unchecked(self) -> list[str]:
        return [load.url for load in self.loads if not load.checked]


_trackers: "WeakKeyDictionary[Page, PageTracker]" = WeakKeyDictionary()


def track(page: Page) -> PageTracker:
    """Start recording the documents `page` loads (the conftest does this for every page)."""
    tracker = _trackers.get(page)
    if tracker is None:
        tracker = _trackers[page] = PageTracker(page)
    return tracker


_axe_source: str | None = None


def _inject_axe(page: Page) -> None:
    # Our CSP (script-src 'self' 'nonce-…') blocks page.add_script_tag, which adds an inline
    # <script>. page.evaluate runs through the DevTools protocol, which CSP does not govern, so axe
    # goes in that way and the pages keep their real policy in tests: no bypass_csp needed.
    global _axe_source
    if not page.evaluate("typeof window.axe === 'object'"):
        if _axe_source is None:
            _axe_source = AXE_PATH.read_text(encoding="utf-8")
        page.evaluate(_axe_source)


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"      {summary_line}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page's current document; fail listing every violation."""
    page.wait_for_load_state("load")
    _inject_axe(page)  # also a round trip, so the "load" event of this document has been recorded
    tracker = _trackers.get(page)
    if tracker is not None:
        assert not tracker.csp_violations, "Content Security Policy violations:\n" + "\n".join(
            tracker.csp_violations
        )
    violations: list[dict[str, Any]] = page.evaluate(_AXE_RUN, AXE_TAGS)
    assert not violations, format_violations(page.url, violations)
    if tracker is not None:
        tracker.mark_checked()
