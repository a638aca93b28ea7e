package e2e

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core's script, read once for all the tests.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axePath)
	// "void 0" so that evaluating the script returns nothing to serialise.
	return string(b) + "\n;void 0", err
})

// axeRun runs axe on the whole document for WCAG 2.0 and 2.1, levels A and AA,
// and keeps only what a failure message needs.
const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
	resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({
	id: v.id,
	impact: v.impact || '',
	help: v.help,
	helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), summary: n.failureSummary || ''})),
})))`

type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// checkAxe injects axe-core into the page shown in the chromedp context ctx and
// fails the test for each WCAG A/AA violation it reports: the requirement is zero.
func checkAxe(t *testing.T, ctx context.Context) {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("reading axe-core: %v", err)
	}
	where, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		t.Fatalf("axe: %v", err)
	}
	// Each page load is a new document, without the axe of the previous one.
	// Runtime.evaluate is not bound by the page's Content-Security-Policy, so the
	// CSP stays on (no Page.setBypassCSP) and the page behaves as for visitors.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		t.Fatalf("axe: injecting axe-core into %s: %v", where, err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe: running on %s: %v", where, err)
	}
	for _, v := range violations {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, "\n    "+n.Target+"\n      "+strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
		t.Errorf("axe on %s: %s (%s): %s\n  %s%s", where, v.ID, v.Impact, v.Help, v.HelpURL, strings.Join(nodes, ""))
	}
}
