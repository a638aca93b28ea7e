package notify

import "unicode/utf16"

// Encoding is how a text message is coded on the air, which decides how much
// of it fits in one SMS.
type Encoding int

const (
	// GSM7 is the GSM 03.38 (3GPP TS 23.038) default alphabet of 7-bit
	// characters, with its extension table: 160 characters in one SMS.
	GSM7 Encoding = iota
	// UCS2 is used as soon as one character is outside GSM-7 (Arabic, â, ç,
	// an emoji, a bidi isolate mark): 70 UTF-16 units in one SMS.
	UCS2
)

func (e Encoding) String() string {
	if e == UCS2 {
		return "UCS-2"
	}
	return "GSM-7"
}

// The GSM 03.38 default alphabet in code order, without 0x1B (the escape to the
// extension table). 0x09 is the capital Ç: the small ç is not in it, so
// "reçu" costs a French message its GSM-7 coding.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅå" +
	"Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
	" !\"#¤%&'()*+,-./" +
	"0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNO" +
	"PQRSTUVWXYZÄÖÑÜ§" +
	"¿abcdefghijklmno" +
	"pqrstuvwxyzäöñüà"

// gsmExtension holds the characters of the default extension table: each is
// sent as the escape followed by its code, so it takes two septets.
const gsmExtension = "\f^{}\\[~]|€"

// gsmSeptets is the number of septets each GSM-7 character takes.
var gsmSeptets = func() map[rune]int {
	m := make(map[rune]int, 140)
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// Segment sizes: a message that does not fit in one SMS is split into parts
// that each carry a 6-byte concatenation header, leaving 153 septets or 67
// UTF-16 units.
const (
	gsmSingle, gsmPart   = 160, 153
	ucs2Single, ucs2Part = 70, 67
)

// Segments tells how body will travel: its encoding, its length in that
// encoding's units (septets for GSM-7, where € [ ] { } ^ ~ \ | and the form feed
// count two; UTF-16 units for UCS-2, where an emoji counts two), and the number
// of SMS it takes — what the provider bills. As phones and providers do, a
// two-unit character is never split across two parts, so a part may carry one
// unit less than the maximum. An empty body takes no SMS.
func Segments(body string) (enc Encoding, chars, segments int) {
	if body == "" {
		return GSM7, 0, 0
	}
	for _, r := range body {
		if gsmSeptets[r] == 0 {
			enc = UCS2
			break
		}
	}
	single, part := gsmSingle, gsmPart
	if enc == UCS2 {
		single, part = ucs2Single, ucs2Part
	}
	segments, inPart := 1, 0
	for _, r := range body {
		w := gsmSeptets[r]
		if enc == UCS2 {
			w = utf16.RuneLen(r) // range gives U+FFFD for invalid UTF-8: never -1
		}
		chars += w
		if inPart+w > part {
			segments++
			inPart = 0
		}
		inPart += w
	}
	if chars <= single {
		segments = 1
	}
	return enc, chars, segments
}
