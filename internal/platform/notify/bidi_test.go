package notify_test

import (
	"strings"
	"testing"

	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
)

func TestIsolate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"اتصل بـ +33 3 20 00 00 01.", "اتصل بـ \u2066+33 3 20 00 00 01\u2069."},
		{"من 9:30 إلى 12:30", "من \u20669:30\u2069 إلى \u206612:30\u2069"},
		{"في La Grappe, 12 rue Solférino, 59000 Lille، كل الثلاثاء", "في \u2066La Grappe, 12 rue Solférino, 59000 Lille\u2069، كل الثلاثاء"},
		{"هاتف ٠٧ ٦١ ٢٣", "هاتف \u2066٠٧ ٦١ ٢٣\u2069"},
		{"مرحبا عمر", "مرحبا عمر"},
		{"Lille (La Grappe)", "\u2066Lille\u2069 (\u2066La Grappe\u2069)"},
	} {
		if got := notify.Isolate(c.in); got != c.want {
			t.Errorf("Isolate(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
	}
}

// The Arabic acknowledgement, as a phone shows it: the antenna's number and the
// Latin names are isolated, the Arabic words are not touched; French is left alone.
func TestArabicSMSIsolatesNumbersAndLatinText(t *testing.T) {
	ar := i18n.For("ar").T("register.sms", "name", "عمر", "antenna", "Lille", "phone", "+33 3 20 00 00 01")
	got := notify.ForLanguage("ar", ar)
	for _, want := range []string{"\u2066+33 3 20 00 00 01\u2069", "\u2066Lille\u2069", "عمر"} {
		if !strings.Contains(got, want) {
			t.Errorf("Arabic SMS %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "\u2066عمر") || strings.Count(got, "\u2066") != strings.Count(got, "\u2069") {
		t.Errorf("Arabic SMS isolates badly: %q", got)
	}
	fr := i18n.For("fr").T("register.sms", "name", "Rania", "antenna", "Lille", "phone", "+33 3 20 00 00 01")
	if notify.ForLanguage("fr", fr) != fr {
		t.Error("a left-to-right message was changed")
	}
}
