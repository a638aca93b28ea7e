package notify

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/bidi"

	"tremplin/internal/platform/i18n"
)

// Unicode bidi isolates (UAX #9): LRI opens a left-to-right isolate, PDI closes it.
const (
	LRI = '\u2066'
	PDI = '\u2069'
)

// ForLanguage prepares a plain-text message (SMS, email) written in lang: in a
// right-to-left language, every left-to-right run is isolated (see Isolate), so
// that a phone, which shows plain text with no markup to say which way it reads,
// does not turn "+33 3 20 00 00 01" into "01 00 00 20 3 33+".
func ForLanguage(lang, text string) string {
	if i18n.For(lang).Dir() != "rtl" {
		return text
	}
	return Isolate(text)
}

// Isolate wraps each left-to-right run of text — numbers, phone numbers, times,
// dates written with digits, Latin words and addresses — in LRI…PDI. A run starts
// at a digit (ASCII or Arabic-Indic), a "+" before a digit or a Latin letter, and
// goes on over spaces and the punctuation inside numbers and addresses (. , : - – /
// ' @) as long as more of it follows; the punctuation that ends a sentence stays
// outside, in the message's direction.
func Isolate(text string) string {
	rs := []rune(text)
	var b strings.Builder
	b.Grow(len(text) + 16)
	for i := 0; i < len(rs); {
		if !startsRun(rs, i) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		end := i + 1 // the run is rs[i:end]
		for j := end; j < len(rs); j++ {
			if isLTR(rs[j]) {
				end = j + 1
			} else if !joins(rs[j]) {
				break
			}
		}
		b.WriteRune(LRI)
		b.WriteString(string(rs[i:end]))
		b.WriteRune(PDI)
		i = end
	}
	return b.String()
}

func startsRun(rs []rune, i int) bool {
	if isLTR(rs[i]) {
		return true
	}
	return rs[i] == '+' && i+1 < len(rs) && isDigit(rs[i+1])
}

func isDigit(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= '٠' && r <= '٩') || (r >= '۰' && r <= '۹')
}

// isLTR reports a digit or a strong left-to-right character (Latin, Ethiopic…).
func isLTR(r rune) bool {
	if isDigit(r) {
		return true
	}
	p, _ := bidi.LookupRune(r)
	return p.Class() == bidi.L
}

// joins reports what may sit inside a left-to-right run between two of its letters
// or digits.
func joins(r rune) bool {
	switch r {
	case ' ', '\u00a0', '\u202f', '.', ',', ':', '-', '–', '/', '\'', '’', '@', '+', '_', '&':
		return true
	}
	return unicode.Is(unicode.Mn, r) // accents typed as combining marks
}
