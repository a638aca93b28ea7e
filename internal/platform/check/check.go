// Package check holds the rules by which Tremplin reads what people type into
// its forms and partners put into their spreadsheets: an email address, a phone
// number, a postcode, digits from an Arabic keyboard. Each rule is one function,
// so that the registration form, the staff pages, the partner space and the
// importer accept and refuse the same things. Identifiers of French organisations
// (SIRET, SIREN, RNA) are checked by package siret.
package check

import "strings"

// ASCIIDigits reads Arabic-Indic (٠–٩) and Persian (۰–۹) digits, as Arabic,
// Dari and Pashto keyboards type them, as 0–9, and leaves everything else as it is.
func ASCIIDigits(s string) string {
	return strings.Map(asciiDigit, s)
}

func asciiDigit(r rune) rune {
	switch {
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	}
	return r
}
