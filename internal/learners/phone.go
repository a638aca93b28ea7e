package learners

import (
	"strings"
	"unicode"
)

// numbering is how a country writes phone numbers: its calling code, the
// lengths of the national number once the leading 0 (trunk prefix) is dropped, and
// whether it has that 0 at all (people then often keep it after the calling code:
// "+33 06 12 34 56 78").
type numbering struct {
	code     string
	min, max int
	noTrunk  bool
}

// numberings covers the countries antennas are in and those most learners come
// from; a number from elsewhere must be typed in international form (+…).
var numberings = map[string]numbering{
	"FR": {"33", 9, 9, false},
	"MW": {"265", 7, 9, false},
	"BE": {"32", 8, 9, false},
	"CH": {"41", 9, 9, false},
	"LU": {"352", 6, 11, true},
	"DE": {"49", 6, 13, false},
	"GB": {"44", 9, 10, false},
	"MA": {"212", 9, 9, false},
	"DZ": {"213", 8, 9, false},
	"TN": {"216", 8, 8, true},
	"ZA": {"27", 9, 9, false},
	"ZM": {"260", 9, 9, false},
	"MZ": {"258", 8, 9, true},
	"TZ": {"255", 9, 9, false},
	"KE": {"254", 9, 9, false},
	"RW": {"250", 9, 9, false},
	"UG": {"256", 9, 9, false},
}

// byCode finds the rule for a calling code at the start of an international number.
func byCode(digits string) (numbering, bool) {
	for _, n := range numberings {
		if strings.HasPrefix(digits, n.code) {
			return n, true
		}
	}
	return numbering{}, false
}

// NormalizePhone turns what a person typed into an E.164 number (+33612345678),
// reading a national number ("06 12 34 56 78", "0991 23 45 67") as one of the
// antenna's country. It reports false for something that cannot be a phone number.
func NormalizePhone(country, typed string) (string, bool) {
	s := strings.TrimSpace(strings.ReplaceAll(typed, "(0)", ""))
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '٠' && r <= '٩': // Arabic-Indic digits, as typed on Arabic keyboards
			b.WriteRune('0' + (r - '٠'))
		case r >= '۰' && r <= '۹': // Extended Arabic-Indic (Dari, Pashto)
			b.WriteRune('0' + (r - '۰'))
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '/' || unicode.IsSpace(r):
		default:
			return "", false
		}
	}
	n := b.String()
	if strings.HasPrefix(n, "00") {
		n = "+" + n[2:]
	}
	if rest, ok := strings.CutPrefix(n, "+"); ok {
		if len(rest) < 8 || len(rest) > 15 || rest[0] == '0' {
			return "", false
		}
		if rule, known := byCode(rest); known {
			national := rest[len(rule.code):]
			if !rule.noTrunk && len(national) == rule.max+1 && national[0] == '0' {
				national = national[1:] // the national 0 kept after the calling code
			}
			if len(national) < rule.min || len(national) > rule.max || national[0] == '0' {
				return "", false
			}
			return "+" + rule.code + national, true
		}
		return n, true
	}
	rule, known := numberings[country]
	if !known {
		return "", false
	}
	national := strings.TrimPrefix(n, "0")
	if len(national) < rule.min || len(national) > rule.max || national[0] == '0' {
		return "", false
	}
	// Without its leading 0, a national number is only accepted at the full length
	// (people in Malawi often write 991 234 567).
	if national == n && len(national) != rule.max {
		return "", false
	}
	return "+" + rule.code + national, true
}

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
		add(NormalizePhone("", typed))
		return out
	}
	for _, c := range countries {
		add(NormalizePhone(c, typed))
	}
	return out
}

// DisplayPhone groups an E.164 number for reading aloud: +33 6 12 34 56 78.
func DisplayPhone(e164 string) string {
	rest, ok := strings.CutPrefix(e164, "+")
	if !ok {
		return e164
	}
	rule, known := byCode(rest)
	if !known {
		return e164
	}
	national := rest[len(rule.code):]
	var groups []string
	if rule.code == "33" && len(national) == 9 {
		groups = append(groups, national[:1])
		national = national[1:]
	} else if len(national)%2 == 1 {
		groups = append(groups, national[:3])
		national = national[3:]
	}
	for len(national) > 0 {
		k := min(2, len(national))
		if rule.code != "33" && len(national) >= 3 && len(national)%3 == 0 {
			k = 3
		}
		groups = append(groups, national[:k])
		national = national[k:]
	}
	return "+" + rule.code + " " + strings.Join(groups, " ")
}
