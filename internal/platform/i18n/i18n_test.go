package i18n

import (
	"strings"
	"testing"
)

func TestEveryLanguageHasEveryKey(t *testing.T) {
	c := All()
	for _, key := range c.Keys(Default) {
		for _, lang := range Languages {
			m, ok := c[lang][key]
			if !ok {
				t.Errorf("%s: key %q is missing", lang, key)
				continue
			}
			ref := c[Default][key]
			if (ref.Plural == nil) != (m.Plural == nil) {
				t.Errorf("%s: %q is plural in one catalog and not in the other", lang, key)
			}
			if m.Plural != nil {
				for _, cat := range Categories(lang) {
					if m.Plural[cat] == "" {
						t.Errorf("%s: %q lacks the plural form %q", lang, key, cat)
					}
				}
			} else if strings.TrimSpace(m.Text) == "" {
				t.Errorf("%s: %q is empty", lang, key)
			}
		}
	}
	for _, lang := range Languages {
		for _, key := range c.Keys(lang) {
			if _, ok := c[Default][key]; !ok {
				t.Errorf("%s: key %q is not in the French catalog", lang, key)
			}
		}
	}
}

func TestPlaceholdersMatchAcrossLanguages(t *testing.T) {
	c := All()
	for _, key := range c.Keys(Default) {
		want := placeholders(c[Default][key])
		for _, lang := range Languages[1:] {
			got := placeholders(c[lang][key])
			for p := range want {
				if !got[p] {
					t.Errorf("%s: %q does not use %s", lang, key, p)
				}
			}
		}
	}
}

func placeholders(m Message) map[string]bool {
	out := map[string]bool{}
	texts := []string{m.Text}
	for _, v := range m.Plural {
		texts = append(texts, v)
	}
	for _, s := range texts {
		for {
			i := strings.Index(s, "{")
			j := strings.Index(s, "}")
			if i < 0 || j < i {
				break
			}
			if s[i+1:j] != "n" {
				out[s[i:j+1]] = true
			}
			s = s[j+1:]
		}
	}
	return out
}

func TestPluralCategories(t *testing.T) {
	cases := []struct {
		lang string
		n    int
		want string
	}{
		{"fr", 0, "one"}, {"fr", 1, "one"}, {"fr", 2, "other"},
		{"en", 0, "other"}, {"en", 1, "one"}, {"en", 7, "other"},
		{"ar", 0, "zero"}, {"ar", 1, "one"}, {"ar", 2, "two"}, {"ar", 3, "few"},
		{"ar", 10, "few"}, {"ar", 11, "many"}, {"ar", 99, "many"}, {"ar", 100, "other"},
		{"ar", 103, "few"}, {"ar", 111, "many"},
	}
	for _, c := range cases {
		if got := PluralCategory(c.lang, c.n); got != c.want {
			t.Errorf("PluralCategory(%s, %d) = %s, want %s", c.lang, c.n, got, c.want)
		}
	}
}

func TestMatch(t *testing.T) {
	cases := map[string]string{
		"":                                 "fr",
		"ar-MA,ar;q=0.9,fr;q=0.8":          "ar",
		"en-GB,en;q=0.9":                   "en",
		"de-DE,de;q=0.9,en;q=0.5,fr;q=0.7": "fr",
		"ps,prs;q=0.8":                     "fr",
		"fr-FR;q=0.2,ar;q=0.3":             "ar",
	}
	for header, want := range cases {
		if got := Match(header); got != want {
			t.Errorf("Match(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestFillAndFallback(t *testing.T) {
	p := For("xx")
	if p.Lang != "fr" {
		t.Fatalf("unknown language falls back to %s", p.Lang)
	}
	if got := For("ar").Dir(); got != "rtl" {
		t.Fatalf("Arabic direction %s", got)
	}
	if got := For("en").T("no.such.key"); got != "no.such.key" {
		t.Fatalf("unknown key shows %q", got)
	}
}
