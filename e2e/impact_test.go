package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// A Lille manager opens the dashboard on a phone, then makes a funder report for
// one programme; in Arabic, the report page offers the PDF in Arabic too. Each
// page is checked for weight, reflow at 360 px and accessibility (axe).
func TestManagerReadsDashboardAndMakesReport(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	b.visit("staff login", "/login")
	b.signIn("manager.lille@tremplin.example")
	if status := b.visit("dashboard", "/impact"); status != http.StatusOK {
		t.Fatalf("dashboard: HTTP %d", status)
	}
	if n := len(b.text("main svg title")); n == 0 {
		t.Error("the dashboard has no chart title")
	}
	// Volunteers and civic service by antenna, beside the learners.
	if main := b.text("main"); !strings.Contains(main, "Bénévoles par antenne") || !strings.Contains(main, "Service civique par antenne") {
		t.Errorf("the dashboard lacks the volunteers' or the civic service's table: %s", main)
	}
	b.visit("report form", "/impact/report")
	// A phone's date picker sets the value; typing digits into it does not.
	js[string](b, `document.getElementById('f-from').value = '2026-01-01'`)
	js[string](b, `document.getElementById('f-to').value = '2026-12-31'`)
	b.tick("programme", js[string](b, `document.querySelector('input[name=programme]').value`))
	if status := b.load("report", click(`main form[action="/impact/report"] button[type=submit]`)); status != http.StatusOK {
		t.Fatalf("report: HTTP %d", status)
	}
	if !strings.Contains(b.text("main"), "Télécharger") {
		t.Errorf("the report offers no download: %s", b.text("main"))
	}
	b.expectLang("ar", "rtl")
	b.chooseLanguage("ar")
	b.visit("report in Arabic", "/impact/report?from=2026-01-01&to=2026-12-31")
	if main := b.text("main"); !strings.Contains(main, "PDF") || strings.Contains(main, "بالفرنسية") {
		t.Errorf("the Arabic report does not offer its PDF, or says it is in French: %s", main)
	}
	// The dashboard in Arabic, right to left, through last year's shortcut.
	b.visit("dashboard in Arabic", "/impact")
	if status := b.load("last year in Arabic", click(`.imp-presets a:nth-of-type(2)`)); status != http.StatusOK {
		t.Fatalf("last year's dashboard: HTTP %d", status)
	}
	if !strings.Contains(b.text("main"), "حسب الجنس") || !strings.Contains(b.text(".imp-presets a[aria-current]"), "20") {
		t.Errorf("the Arabic dashboard lacks the gender breakdown or the current period: %q", b.text(".imp-presets"))
	}
}
