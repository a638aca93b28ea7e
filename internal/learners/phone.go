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

// DisplayPhone groups an E.164 number for reading aloud: +33 6 12 34 56 78.
func DisplayPhone(e164 string) string {
	code, national, known := check.SplitPhone(e164)
	if !known {
		return e164
	}
	var groups []string
	if code == "33" && len(national) == 9 {
		groups = append(groups, national[:1])
		national = national[1:]
	} else if len(national)%2 == 1 {
		groups = append(groups, national[:3])
		national = national[3:]
	}
	for len(national) > 0 {
		k := min(2, len(national))
		if code != "33" && len(national) >= 3 && len(national)%3 == 0 {
			k = 3
		}
		groups = append(groups, national[:k])
		national = national[k:]
	}
	return "+" + code + " " + strings.Join(groups, " ")
}
