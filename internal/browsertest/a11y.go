package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A11yTags are the axe-core rule tags CheckA11y runs: WCAG 2.0 and 2.1,
// levels A and AA (what Samvirke's pages must meet).
var A11yTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axePath is axe-core's browser bundle, installed by `npm ci` in web/.
const axePath = "web/node_modules/axe-core/axe.min.js"

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID      string          `json:"id"`     // rule, e.g. "color-contrast"
	Impact  string          `json:"impact"` // minor, moderate, serious or critical
	Help    string          `json:"help"`
	HelpURL string          `json:"helpUrl"`
	Nodes   []ViolationNode `json:"nodes"`
}

// ViolationNode is one element that breaks a rule.
type ViolationNode struct {
	Target  []string `json:"target"` // CSS selectors; frames and shadow roots joined with " >>> "
	HTML    string   `json:"html"`
	Summary string   `json:"summary"` // axe's failure summary: what to fix
}

// Blocking reports whether v fails CheckA11y: impact serious or critical.
func (v Violation) Blocking() bool { return v.Impact == "serious" || v.Impact == "critical" }

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s [%s]", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    %s  %s", strings.Join(n.Target, ", "), n.HTML)
	}
	return b.String()
}

var axeSource = sync.OnceValues(func() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(root, axePath))
	return string(b), err
})

// The bundle is evaluated through the DevTools protocol, which the page's
// Content-Security-Policy (script-src 'self') does not govern, so the
// product's headers stay as in production.
const axeRun = `(async () => {
	const r = await axe.run(document, {
		runOnly: {type: 'tag', values: %s},
		resultTypes: ['violations'],
	});
	return r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({
			target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)),
			html: n.html, summary: n.failureSummary || '',
		})),
	}));
})()`

// A11yViolations runs axe-core on the current page with A11yTags and
// answers every violation, whatever its impact. It fails the test when
// axe-core is not installed or cannot run.
func (b *Browser) A11yViolations(tb testing.TB) []Violation {
	tb.Helper()
	src, err := axeSource()
	if err != nil {
		tb.Fatalf("browsertest: axe-core not found (%v): run the test command, it installs npm packages (.ci/test runs npm ci in web/)", err)
	}
	// Accessibility checks take a few seconds on a busy machine.
	ctx, cancel := context.WithTimeout(b.ctx, max(b.step, 60*time.Second))
	defer cancel()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object'`))
	if err == nil && !loaded {
		err = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src))
	}
	if err != nil {
		tb.Fatalf("browsertest: inject axe-core: %v", b.explain(err))
	}
	tags := `['` + strings.Join(A11yTags, `','`) + `']`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](fmt.Sprintf(axeRun, tags), chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatalf("browsertest: run axe-core: %v", b.explain(err))
	}
	return vs
}

// CheckA11y runs axe-core on the current page (see A11yViolations) and
// reports every serious or critical violation with its rule, help and the
// failing elements as a test error (the test goes on, so one run shows
// every page's problems); minor and moderate ones are logged. The URL is
// recorded in CheckedURLs.
func (b *Browser) CheckA11y(tb testing.TB) {
	tb.Helper()
	loc := b.Location(tb)
	vs := b.A11yViolations(tb)
	b.checked = append(b.checked, loc)
	var blocking, other []string
	for _, v := range vs {
		if v.Blocking() {
			blocking = append(blocking, "  "+v.String())
		} else {
			other = append(other, "  "+v.String())
		}
	}
	if len(other) > 0 {
		tb.Logf("browsertest: %s: %d minor/moderate accessibility issue(s):\n%s", loc, len(other), strings.Join(other, "\n"))
	}
	if len(blocking) > 0 {
		tb.Errorf("browsertest: %s breaks WCAG 2.1 AA: %d serious/critical axe-core violation(s):\n%s",
			loc, len(blocking), strings.Join(blocking, "\n"))
		return
	}
	tb.Logf("browsertest: %s: no serious or critical accessibility violations", loc)
}

// CheckedURLs answers the pages CheckA11y ran on, in order.
func (b *Browser) CheckedURLs() []string { return append([]string(nil), b.checked...) }
