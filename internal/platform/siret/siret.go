// Package siret checks the identifiers of French organisations that venues
// and partners give us: SIRET (establishment, 14 digits), SIREN (company,
// 9 digits) and RNA (association register number, "W" + 9 digits).
//
// SIREN and SIRET carry a Luhn check digit, so most typos are caught
// without querying the INSEE Sirene directory. The functions here only
// check the shape and checksum; they do not tell whether the number is
// actually registered.
//
// Spaces are ignored everywhere, since numbers are commonly written in
// groups ("356 000 000 00048"); Unicode spaces such as the no-break spaces
// inserted by French typography count as spaces too.
package siret

import (
	"strings"
	"unicode"
)

// laPosteSIREN is La Poste's SIREN. Its many establishments outgrew the
// Luhn numbering, so INSEE validates their SIRETs with a different rule:
// the sum of the 14 digits must be a multiple of 5.
const laPosteSIREN = "356000000"

// Normalize removes every space and upper-cases s, giving the canonical form
// to store and compare ("w595012345" → "W595012345").
func Normalize(s string) string {
	return strings.ToUpper(stripSpaces(s))
}

// ValidSIRET reports whether s is a valid SIRET: 14 digits (spaces ignored)
// with a valid Luhn checksum, or a La Poste SIRET whose digits sum to a
// multiple of 5.
func ValidSIRET(s string) bool {
	s = stripSpaces(s)
	if len(s) != 14 || !allDigits(s) {
		return false
	}
	if luhn(s) {
		return true
	}
	return s[:9] == laPosteSIREN && digitSum(s)%5 == 0
}

// ValidSIREN reports whether s is a valid SIREN: 9 digits (spaces ignored)
// with a valid Luhn checksum.
func ValidSIREN(s string) bool {
	s = stripSpaces(s)
	return len(s) == 9 && allDigits(s) && luhn(s)
}

// ValidRNA reports whether s is an RNA number: "W" (either case) followed
// by 9 digits, spaces ignored, e.g. "W595012345". RNA numbers have no
// checksum, so only the shape can be checked.
func ValidRNA(s string) bool {
	s = Normalize(s)
	return len(s) == 10 && s[0] == 'W' && allDigits(s[1:])
}

// Kind returns "siret", "siren" or "rna" when Normalize(s) is a valid
// identifier of that kind (checksum included), and "" otherwise. The three
// shapes cannot overlap, so the answer is unambiguous.
func Kind(s string) string {
	s = Normalize(s)
	switch {
	case ValidSIRET(s):
		return "siret"
	case ValidSIREN(s):
		return "siren"
	case ValidRNA(s):
		return "rna"
	}
	return ""
}

func stripSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// allDigits reports whether s is non-empty and only ASCII digits; checking
// bytes rather than unicode.IsDigit keeps out other scripts' digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// luhn checks the Luhn (mod 10) checksum of a string of ASCII digits:
// starting from the rightmost digit, every second digit is doubled (minus 9
// when that exceeds 9), and the total must be a multiple of 10.
func luhn(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func digitSum(s string) int {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += int(s[i] - '0')
	}
	return sum
}
