package notify

import (
	"strings"
	"testing"
)

func TestSegments(t *testing.T) {
	const (
		moved = "Bonjour Inès, votre séance de mardi à 14 h est déplacée à jeudi 16 h, salle 2 de La Grappe, 31 rue de Valmy à Lille. Pour toute question, appelez le 03 20 00 00 01."
		same  = "Bonjour Inès, votre séance de mardi à 14 h est déplacée à jeudi même heure, salle 2 de La Grappe, 31 rue de Valmy à Lille. Pour toute question, appelez le 03 20 00 00 01."
	)
	a, b := strings.Repeat("a", 1), strings.Repeat("ب", 1)
	cases := []struct {
		name     string
		body     string
		enc      Encoding
		chars    int
		segments int
	}{
		{"empty", "", GSM7, 0, 0},
		{"French with é è à, all in GSM-7", "Bonjour Inès, votre séance de mardi à 14 h est déplacée à jeudi. L'équipe de Lille", GSM7, 82, 1},
		{"French over one SMS", moved, GSM7, 164, 2},
		{"the same with one ê: UCS-2, one more SMS", same, UCS2, 170, 3},
		{"small ç is not GSM-7 (only Ç is)", "Rappel : la formation commence lundi. Apportez une pièce d'identité et le reçu.", UCS2, 79, 2},
		{"ê", "Fête de fin de formation vendredi à 17 h", UCS2, 40, 1},
		{"typographic apostrophe", "Rendez-vous à l’antenne", UCS2, 23, 1},
		{"tab", "Horaires :\tlundi", UCS2, 16, 1},
		{"euro sign counts two", "Participation : 5 €", GSM7, 20, 1},
		{"extension table counts two", `Code [A7] {ok} ^ ~ \ |`, GSM7, 30, 1},
		{"line breaks count one", "Lundi\nMardi\r\nJeudi", GSM7, 18, 1},
		{"Arabic", "تم استلام تسجيلك في أنطين ليل. سنتصل بك قريبا", UCS2, 45, 1},
		{"Arabic over one SMS", "مرحبا رانيا، تم استلام تسجيلك في أنطين ليل. سيتصل بك أحد المستشارين خلال الأسبوع لتحديد موعد. للاستفسار اتصل بالرقم", UCS2, 115, 2},
		// ForLanguage isolates "+33 3 20 00 00 01" with LRI…PDI: two more units.
		{"bidi isolates", ForLanguage("ar", "اتصل بنا: +33 3 20 00 00 01"), UCS2, 10 + 17 + 2, 1},
		{"emoji counts two", "Bravo 🎉", UCS2, 8, 1},

		{"160 GSM-7 fill one SMS", strings.Repeat(a, 160), GSM7, 160, 1},
		{"161 take two", strings.Repeat(a, 161), GSM7, 161, 2},
		{"306 fill two parts of 153", strings.Repeat(a, 306), GSM7, 306, 2},
		{"307 take three", strings.Repeat(a, 307), GSM7, 307, 3},
		{"159 and a euro sign overflow", strings.Repeat(a, 159) + "€", GSM7, 161, 2},
		{"a euro sign is not split across parts", strings.Repeat(a, 152) + "€" + strings.Repeat(a, 152), GSM7, 306, 3},
		{"70 UCS-2 fill one SMS", strings.Repeat(b, 70), UCS2, 70, 1},
		{"71 take two", strings.Repeat(b, 71), UCS2, 71, 2},
		{"134 fill two parts of 67", strings.Repeat(b, 134), UCS2, 134, 2},
		{"135 take three", strings.Repeat(b, 135), UCS2, 135, 3},
		{"an emoji is not split across parts", strings.Repeat(b, 66) + "🎉" + strings.Repeat(b, 66), UCS2, 134, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			enc, chars, segments := Segments(c.body)
			if enc != c.enc || chars != c.chars || segments != c.segments {
				t.Errorf("Segments(%q) = %v, %d, %d; want %v, %d, %d", c.body, enc, chars, segments, c.enc, c.chars, c.segments)
			}
		})
	}
}

// Each accented letter French uses, alone: the GSM 03.38 table has é è à ù ì ò
// É Ç and no other (its ü, ä, ö, ñ are for other languages).
func TestSegmentsFrenchLetters(t *testing.T) {
	for _, r := range "éèàùìòÉÇ" {
		if enc, chars, _ := Segments(string(r)); enc != GSM7 || chars != 1 {
			t.Errorf("%q: %v, %d; want GSM-7, 1", r, enc, chars)
		}
	}
	for _, r := range "âêîôûçëïÿœÀÈÊÂÎÔÛŒ" {
		if enc, chars, _ := Segments(string(r)); enc != UCS2 || chars != 1 {
			t.Errorf("%q: %v, %d; want UCS-2, 1", r, enc, chars)
		}
	}
}

// The tables hold the 127 characters of the default alphabet (128 codes less
// the escape) and the 10 of its extension, none twice.
func TestGSMTables(t *testing.T) {
	seen := map[rune]bool{}
	for _, r := range gsmBasic + gsmExtension {
		if seen[r] {
			t.Errorf("%q twice", r)
		}
		seen[r] = true
	}
	if n, m := len([]rune(gsmBasic)), len([]rune(gsmExtension)); n != 127 || m != 10 {
		t.Errorf("%d basic and %d extension characters, want 127 and 10", n, m)
	}
	// Spot checks against the code positions of 3GPP TS 23.038.
	for code, r := range map[int]rune{0x00: '@', 0x09: 'Ç', 0x1f: 'É', 0x24: '¤', 0x40: '¡', 0x5f: '§', 0x60: '¿', 0x7f: 'à'} {
		pos := code
		if code > 0x1b {
			pos-- // the escape is left out
		}
		if got := []rune(gsmBasic)[pos]; got != r {
			t.Errorf("code %#02x is %q, want %q", code, got, r)
		}
	}
}
