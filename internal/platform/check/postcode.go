package check

import "regexp"

var (
	frenchPostcode  = regexp.MustCompile(`^(0[1-9]|[1-8][0-9]|9[0-8])[0-9]{3}$`)
	foreignPostcode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$`)
	digitsPostcode  = regexp.MustCompile(`^[0-9]{3,10}$`)
)

// Postcode reports whether s is a postcode the way country (an antenna's ISO code)
// writes them: in France five digits starting with an existing département, 01 to
// 98 (Corsica's start with 20, overseas ones with 97 and 98); elsewhere a short
// code of 2 to 10 letters, digits, spaces and dashes ("1000", "SW1A 1AA"). Where
// a country has none (Malawi), the form leaves the field optional.
func Postcode(country, s string) bool {
	if country == "FR" {
		return frenchPostcode.MatchString(s)
	}
	return foreignPostcode.MatchString(s)
}

// AnyPostcode reads s as a postcode of a country that is not known, as in the
// place a person lives in ("59000 Lille", "1000 Bruxelles", "Dzaleka"): 3 to 10
// digits, Arabic-Indic and Persian ones too, given back in ASCII. Only digits,
// so that a town's name is never taken for a code, which Postcode's letters
// abroad would allow.
func AnyPostcode(s string) (digits string, ok bool) {
	digits = ASCIIDigits(s)
	if !digitsPostcode.MatchString(digits) {
		return "", false
	}
	return digits, true
}
