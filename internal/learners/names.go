package learners

import (
	"strings"
	"unicode"
)

// folds maps the accented Latin letters of the names people type to plain ones, so
// that "Hélène N'Diaye" and "HELENE NDIAYE" compare equal.
var folds = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'č': "c", 'ď': "d", 'đ': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ğ': "g", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i", 'ı': "i", 'ł': "l",
	'ñ': "n", 'ń': "n", 'ň': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ő': "o",
	'œ': "oe", 'ř': "r", 'ś': "s", 'š': "s", 'ş': "s", 'ș': "s", 'ß': "ss", 'ť': "t", 'ț': "t", 'ţ': "t",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u", 'ý': "y", 'ÿ': "y",
	'ź': "z", 'ż': "z", 'ž': "z",
}

// NameKey is how names are compared and searched: lower case, without accents,
// spaces, hyphens or apostrophes. Letters of other scripts (Arabic…) are kept.
func NameKey(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if f, ok := folds[r]; ok {
			b.WriteString(f)
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// prefixRange returns bounds lo ≤ key < hi covering every key that starts with
// prefix, so that a prefix search uses an ordinary index on both engines; hi is
// empty when there is no upper bound. Keys of plain letters and digits step within
// [0-9a-z] so that the bounds hold under any collation, not only byte order.
func prefixRange(prefix string) (lo, hi string) {
	r := []rune(prefix)
	for len(r) > 0 {
		last := &r[len(r)-1]
		switch {
		case *last == '9':
			*last = 'a'
		case *last == 'z':
			r = r[:len(r)-1]
			continue
		case *last < unicode.MaxRune:
			*last++
		default:
			r = r[:len(r)-1]
			continue
		}
		return prefix, string(r)
	}
	return prefix, ""
}
