package e2e

import "testing"

// The register of processing activities fits a phone and passes axe, in
// French and in Arabic (right to left), its table and field names left to
// right.
func TestRegisterOfProcessingOnAPhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	b.visit("login", "/login")
	b.signIn("admin@tremplin.example")
	for _, lang := range []struct{ lang, dir string }{{"fr", "ltr"}, {"ar", "rtl"}} {
		b.expectLang(lang.lang, lang.dir)
		if lang.lang != "fr" {
			b.chooseLanguage(lang.lang)
		}
		if status := b.visit("register "+lang.lang, "/privacy/register"); status != 200 {
			t.Errorf("/privacy/register: HTTP %d", status)
		}
	}
}
