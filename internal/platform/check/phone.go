package check

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

// Dialled reads s as a phone number or a part of one, as people type it: its
// digits (Arabic-Indic and Persian ones read as 0–9), without the spaces, dots,
// dashes, brackets and slashes put between them, and whether it is in
// international form (a leading + or 00, left out of digits). ok is false when s
// holds anything else.
func Dialled(s string) (digits string, international, ok bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case asciiDigit(r) != r:
			b.WriteRune(asciiDigit(r))
		case r == '+' && i == 0:
			international = true
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '/' || unicode.IsSpace(r):
		default:
			return "", false, false
		}
	}
	digits = b.String()
	if rest, ok := strings.CutPrefix(digits, "00"); ok && !international {
		digits, international = rest, true
	}
	return digits, international, true
}

// Phone checks a person's phone number and turns it into E.164 (+33612345678),
// reading a national number ("06 12 34 56 78", "0991 23 45 67") as one of country,
// the antenna's. It reports false for something that cannot be a phone number.
func Phone(country, s string) (e164 string, ok bool) {
	n, international, ok := Dialled(strings.ReplaceAll(s, "(0)", ""))
	if !ok {
		return "", false
	}
	if international {
		if len(n) < 8 || len(n) > 15 || n[0] == '0' {
			return "", false
		}
		if rule, known := byCode(n); known {
			national := n[len(rule.code):]
			if !rule.noTrunk && len(national) == rule.max+1 && national[0] == '0' {
				national = national[1:] // the national 0 kept after the calling code
			}
			if len(national) < rule.min || len(national) > rule.max || national[0] == '0' {
				return "", false
			}
			return "+" + rule.code + national, true
		}
		return "+" + n, true
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

// SplitPhone splits an E.164 number of a country Phone knows into its calling
// code and national number ("+33612345678" → "33", "612345678"); ok is false for
// any other number.
func SplitPhone(e164 string) (code, national string, ok bool) {
	rest, ok := strings.CutPrefix(e164, "+")
	if !ok {
		return "", "", false
	}
	rule, known := byCode(rest)
	if !known {
		return "", "", false
	}
	return rule.code, rest[len(rule.code):], true
}

// phoneSpacing is what people put between the digits of a number they write.
var phoneSpacing = strings.NewReplacer(" ", "", ".", "", "-", "", "(", "", ")", "", "\u00a0", "", "\u202f", "")

// AnyPhone checks the number of an organisation (an antenna, the association),
// which is kept as written and may be a landline, a short number or one from any
// country: once spaces (no-break ones too), dots, dashes and brackets are dropped,
// an optional + and 6 to 15 digits. compact is s without that spacing, even when
// ok is false. A person's number is read with Phone instead, into E.164, so that
// it can be found and texted.
func AnyPhone(s string) (compact string, ok bool) {
	compact = phoneSpacing.Replace(s)
	digits := strings.TrimPrefix(compact, "+")
	if len(digits) < 6 || len(digits) > 15 {
		return compact, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return compact, false
		}
	}
	return compact, true
}

// Mobile tells whether a number that Phone returned reaches a mobile phone,
// which can receive text messages: mobile means something only when known is
// true. It knows France (06 and 07 are mobiles; 01–05 and 09 are landlines
// and internet boxes, 08 special numbers) and Malawi (088, 099, 098, 077, 031
// and 0111 are mobiles, 01x xx xx xx and 021… landlines, as libphonenumber's
// data has them); for other countries, and numbers these plans leave out,
// known is false.
func Mobile(e164 string) (mobile, known bool) {
	code, national, ok := SplitPhone(e164)
	if !ok || national == "" || strings.Trim(national, "0123456789") != "" {
		return false, false
	}
	switch code {
	case "33":
		if len(national) != 9 {
			return false, false
		}
		switch national[0] {
		case '6', '7':
			return true, true
		case '1', '2', '3', '4', '5', '8', '9':
			return false, true
		}
	case "265":
		switch {
		case len(national) == 9 && hasPrefix(national, "111", "31", "77", "88", "98", "99"):
			return true, true
		case len(national) == 7 && national[0] == '1' && national[1] >= '2',
			len(national) == 9 && strings.HasPrefix(national, "21"):
			return false, true
		}
	}
	return false, false
}

func hasPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
