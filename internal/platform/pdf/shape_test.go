package pdf

import (
	"fmt"
	"testing"
)

func TestShapeGivesEachLetterItsForm(t *testing.T) {
	loadFaces()
	s := shapers()
	for _, c := range []struct {
		name, word, want string
	}{
		// سـ initial, لا the final lam-alef, م isolated after the alef,
		// which does not join forward.
		{"salam", "سلام", "\uFEB3\uFEFC\uFEE1"},
		{"lam-alef alone", "لا", "\uFEFB"},
		{"lam-alef with hamza", "إلى الأمام", "\uFE87\uFEDF\uFEF0 \uFE8D\uFEF7\uFEE3\uFE8E\uFEE1"},
		{"muhammad", "محمد", "\uFEE3\uFEA4\uFEE4\uFEAA"},
		{"marks are transparent", "مُحَمَّد", "\uFEE3\u064F\uFEA4\u064E\uFEE4\u064E\u0651\uFEAA"},
		{"tatweel joins", "ـب", "\u0640\uFE90"},
		// Persian: پ initial, د final, ر isolated (د does not join forward).
		{"Persian pedar", "پدر", "\uFB58\uFEAA\uFEAD"},
		// کوچک: keheh initial, waw final, tcheh initial, keheh final.
		{"Persian kuchak", "کوچک", "\uFB90\uFEEE\uFB7C\uFB8F"},
		// Farsi yeh and gaf: گیتی: gaf initial, yeh medial, teh medial, yeh final.
		{"Persian giti", "گیتی", "\uFB94\uFBFF\uFE98\uFBFD"},
		// Urdu عائشہ: ain initial, alef final, yeh with hamza initial,
		// sheen medial, heh goal final (from the Noto Sans Arabic fallback).
		{"Urdu aisha", "عائشہ", "\uFECB\uFE8E\uFE8B\uFEB8\uFBA7"},
		{"Latin untouched", "Jean-Noël", "Jean-Noël"},
		// Pashto ځ has no presentation forms: printed as it is, its
		// neighbours do not join to it.
		{"Pashto dzeh", "بځب", "\uFE8F\u0681\uFE8F"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := string(s.shape([]rune(c.word))); got != c.want {
				t.Errorf("shape(%q) = %s, want %s", c.word, codes(got), codes(c.want))
			}
		})
	}
}

func codes(s string) string {
	out := ""
	for _, r := range s {
		out += fmt.Sprintf("%U ", r)
	}
	return out
}

func TestVisualOrder(t *testing.T) {
	for _, c := range []struct {
		name, text string
		rtl        bool
		want       string
	}{
		{"French line", "Jean Dupont, 12 ans", false, "Jean Dupont, 12 ans"},
		{"Arabic words run right to left", "ابت ثجح", true, "حجث تبا"},
		{"number and Latin name keep their order", "ابت 123 Ali Ben", true, "Ali Ben 123 تبا"},
		{"a date stays whole", "ولد 12/03/2000", true, "12/03/2000 دلو"},
		{"final full stop on the left", "ابت.", true, ".تبا"},
		{"brackets are mirrored", "أ (ب)", true, "(ب) أ"},
		{"guillemets are mirrored", "أ «ب»", true, "«ب» أ"},
		{"Arabic name in a French line", "Nom : محمد علي, né", false, "Nom : يلع دمحم, né"},
		// Without isolation a number after an Arabic name joins it, as the
		// algorithm says; Isolate keeps it in the French sentence.
		{"number after an Arabic name", "Né ابت 3", false, "Né 3 تبا"},
		{"isolated name", "Né " + Isolate("ابت") + " 3", false, "Né تبا 3"},
		{"isolated Latin name in Arabic", "ابت " + Isolate("Ali 2") + " ثجح", true, "حجث Ali 2 تبا"},
		{"trailing spaces stay at the end", "ابت  ", true, "  تبا"},
		// The algorithm reverses digit groups apart by spaces on a
		// right-to-left line: Doc lays a line without letters out left to
		// right (TestAmountOnAnArabicPage).
		{"grouped digits", "1 234,50 €", true, "€ 234,50 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := string(visual([]rune(c.text), c.rtl)); got != c.want {
				t.Errorf("visual(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}
