// Package donations keeps the association's donors and what they give (money,
// goods, their employees' time), and the tax receipts it owes them.
package donations

import "strings"

// Words writes an amount in cents in French words, as a tax receipt states it
// beside the figures: "mille deux cent trente-quatre euros et cinquante-six
// centimes". It follows the traditional spelling: hyphens inside the tens
// ("quatre-vingt-dix-sept") but not around "cent", "mille", "million"; "et"
// before "un" and "onze" from twenty to seventy ("vingt et un", "soixante et
// onze", but "quatre-vingt-un"); "vingts" and "cents" take an s when nothing
// follows them but a noun ("quatre-vingts euros", "deux cents millions"), not
// before "mille", which never does; "d'euros" after a round million.
func Words(cents int64) string {
	if cents < 0 {
		return "moins " + Words(-cents)
	}
	whole, rest := cents/100, cents%100
	var b strings.Builder
	if whole > 0 || rest == 0 {
		b.WriteString(number(whole))
		switch {
		case whole <= 1:
			b.WriteString(" euro")
		case whole%1_000_000 == 0:
			b.WriteString(" d'euros")
		default:
			b.WriteString(" euros")
		}
	}
	if rest > 0 {
		if whole > 0 {
			b.WriteString(" et ")
		}
		b.WriteString(number(rest))
		if rest == 1 {
			b.WriteString(" centime")
		} else {
			b.WriteString(" centimes")
		}
	}
	return b.String()
}

var units = []string{"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
	"onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"}

var tens = []string{"", "", "vingt", "trente", "quarante", "cinquante", "soixante"}

// number writes a whole number in words.
func number(n int64) string {
	if n == 0 {
		return "zéro"
	}
	var parts []string
	for _, scale := range []struct {
		value        int64
		one, several string
	}{{1_000_000_000, "un milliard", "milliards"}, {1_000_000, "un million", "millions"}} {
		if k := n / scale.value; k > 0 {
			if k == 1 {
				parts = append(parts, scale.one)
			} else {
				// A noun follows: "deux cents millions", "quatre-vingts milliards".
				parts = append(parts, below1000(int(k%1000), true), scale.several)
				if k >= 1000 {
					parts[len(parts)-2] = number(k) // more than a thousand billions: not on a receipt
				}
			}
			n %= scale.value
		}
	}
	if k := n / 1000; k > 0 {
		if k > 1 {
			// "mille" is an adjective: "deux cent mille", "quatre-vingt mille".
			parts = append(parts, below1000(int(k), false))
		}
		parts = append(parts, "mille")
		n %= 1000
	}
	if n > 0 {
		parts = append(parts, below1000(int(n), true))
	}
	return strings.Join(parts, " ")
}

// below1000 writes 1–999; final says that nothing but a noun follows, so that
// "cent" and "vingt" take their plural s.
func below1000(n int, final bool) string {
	h, r := n/100, n%100
	var s string
	switch {
	case h == 0:
		return below100(r, final)
	case h == 1:
		s = "cent"
	default:
		s = units[h] + " cent"
		if r == 0 && final {
			s += "s"
		}
	}
	if r > 0 {
		s += " " + below100(r, final)
	}
	return s
}

// below100 writes 1–99.
func below100(n int, final bool) string {
	if n < 20 {
		return units[n]
	}
	t, u := n/10, n%10
	switch t {
	case 7: // soixante-dix … soixante-dix-neuf
		if u == 1 {
			return "soixante et onze"
		}
		return "soixante-" + units[10+u]
	case 8:
		if u == 0 {
			if final {
				return "quatre-vingts"
			}
			return "quatre-vingt"
		}
		return "quatre-vingt-" + units[u]
	case 9:
		return "quatre-vingt-" + units[10+u]
	}
	switch u {
	case 0:
		return tens[t]
	case 1:
		return tens[t] + " et un"
	}
	return tens[t] + "-" + units[u]
}
