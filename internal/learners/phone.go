package learners

import (
	"strings"

	"tremplin/internal/platform/check"
)

// phoneCandidates are the E.164 numbers a search for typed may mean, given the
// countries of the antennas the searcher works in.
func phoneCandidates(countries []string, typed string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(n string, ok bool) {
		if ok && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if strings.HasPrefix(strings.TrimSpace(typed), "+") || strings.HasPrefix(strings.TrimSpace(typed), "00") {
		add(check.Phone("", typed))
		return out
	}
	for _, c := range countries {
		add(check.Phone(c, typed))
	}
	return out
}

// DisplayPhone groups an E.164 number for reading aloud, as its country does:
// +33 6 12 34 56 78, +265 991 23 45 67.
func DisplayPhone(e164 string) string { return check.ReadablePhone(e164) }
