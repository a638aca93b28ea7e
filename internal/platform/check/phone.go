package check

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

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
// the antenna's (an ISO 3166 code). A number in international form (+ or 00) may
// be of any country; the trunk 0 people often keep after the calling code
// ("+33 06 12 34 56 78", "+33 (0)6…") is dropped. The number must be a valid one
// by its country's numbering plan (libphonenumber's data): Phone reports false
// for something that cannot be a phone number.
func Phone(country, s string) (e164 string, ok bool) {
	n, international, ok := Dialled(strings.ReplaceAll(s, "(0)", ""))
	if !ok || n == "" || len(n) > 17 {
		return "", false
	}
	region := strings.ToUpper(country)
	if international {
		if n[0] == '0' {
			return "", false
		}
		n, region = "+"+n, "ZZ"
	} else if phonenumbers.GetCountryCodeForRegion(region) == 0 {
		return "", false // no country to read a national number in
	}
	num, err := phonenumbers.Parse(n, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// parseE164 reads a number that Phone returned; nil for anything else.
func parseE164(e164 string) *phonenumbers.PhoneNumber {
	rest, ok := strings.CutPrefix(e164, "+")
	if !ok || rest == "" || strings.Trim(rest, "0123456789") != "" {
		return nil
	}
	num, err := phonenumbers.Parse(e164, "ZZ")
	if err != nil || !phonenumbers.IsValidNumber(num) || phonenumbers.Format(num, phonenumbers.E164) != e164 {
		return nil // not a number, or not written as Phone writes it (+330612345678)
	}
	return num
}

// SplitPhone splits an E.164 number that Phone would accept into its calling code
// and national significant number ("+33612345678" → "33", "612345678"); ok is
// false for any other number.
func SplitPhone(e164 string) (code, national string, ok bool) {
	num := parseE164(e164)
	if num == nil {
		return "", "", false
	}
	return strconv.Itoa(int(num.GetCountryCode())), phonenumbers.GetNationalSignificantNumber(num), true
}

// ReadablePhone writes an E.164 number the way it is read out in international
// form, grouped as its country does ("+33 6 12 34 56 78", "+265 991 23 45 67");
// anything else is returned as it is.
func ReadablePhone(e164 string) string {
	num := parseE164(e164)
	if num == nil {
		return e164
	}
	return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
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

// Mobile tells whether a number that Phone returned reaches a phone that can
// receive text messages: a mobile, or a number its country's plan does not tell
// from a landline (the United States, Canada…). mobile means something only when
// known is true: a landline, an internet box (French 09), a toll-free or premium
// number is known and not mobile; a number whose type the plan does not say, or
// one that is not E.164, is not known.
func Mobile(e164 string) (mobile, known bool) {
	num := parseE164(e164)
	if num == nil {
		return false, false
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
		return true, true
	case phonenumbers.UNKNOWN:
		return false, false
	}
	return false, true
}

// Landline reports whether a number that Phone returned is known not to receive
// text messages (Mobile is known and false): no SMS is sent to it.
func Landline(e164 string) bool {
	mobile, known := Mobile(e164)
	return known && !mobile
}
