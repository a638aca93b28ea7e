package i18n

import (
	"regexp"
	"strings"
	"testing"
)

// texts are a message's strings (one, or one per plural form).
func texts(m Message) []string {
	if m.Plural == nil {
		return []string{m.Text}
	}
	var out []string
	for _, t := range m.Plural {
		out = append(out, t)
	}
	return out
}

var placeholder = regexp.MustCompile(`\{[^}]*\}`)

// "Antenna" reads as an aerial in English: visitors and staff read "branch".
func TestEnglishSaysBranchNotAntenna(t *testing.T) {
	for key, m := range All()["en"] {
		for _, s := range texts(m) {
			if strings.Contains(strings.ToLower(placeholder.ReplaceAllString(s, "")), "antenna") {
				t.Errorf("en %s says antenna: %q", key, s)
			}
		}
	}
}

// The French a visitor reads is easy to read (FALC): no point médian, no acronym
// left without its words.
func TestPublicFrenchIsEasyToRead(t *testing.T) {
	public := []string{"register.", "learner.situation.", "learner.heard.", "learner.lang.", "learner.french.",
		"learner.equipment.", "learner.availability.", "home.intro", "home.title", "home.register", "training.courses",
		"training.level", "training.full", "training.no_session", "training.register", "training.days.", "training.schedule",
		"nav.courses", "nav.register", "nav.language", "form."}
	acronym := regexp.MustCompile(`\b(RSA|QPV|CAF|RGPD|CV)\b( \()?`)
	for key, m := range All()["fr"] {
		isPublic := false
		for _, p := range public {
			isPublic = isPublic || strings.HasPrefix(key, p)
		}
		if !isPublic {
			continue
		}
		for _, s := range texts(m) {
			if strings.Contains(s, "·") {
				t.Errorf("fr %s has a point médian: %q", key, s)
			}
			for _, a := range acronym.FindAllStringSubmatch(s, -1) {
				if a[2] == "" {
					t.Errorf("fr %s has %s without its words: %q", key, a[1], s)
				}
			}
		}
	}
}
