// Package pdftest reads PDFs back in tests, as the people who receive them
// would copy their text: with poppler's pdftotext (poppler-utils, installed
// in CI).
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Text is the text pdftotext reads from body, with its options (say
// "-layout"). pdftotext gives right-to-left lines in logical order, between
// the embedding marks it adds, with Arabic letters in the presentation forms
// the PDF draws: Plain turns that into comparable text.
func Text(t testing.TB, body []byte, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is missing: install poppler-utils (apt-get install poppler-utils) to read PDFs back")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(append(args, "-enc", "UTF-8"), path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// Plain removes the directional marks pdftotext writes around runs and
// folds presentation forms back to letters (NFKC), so that a line reads as
// the logical text it was printed from.
func Plain(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069', r == '\u200E', r == '\u200F':
			return -1
		}
		return r
	}, s)
	return norm.NFKC.String(s)
}

// Fonts lists the names of the fonts a PDF uses, as poppler's pdffonts
// reads them, sorted: the order in which a writer lists its fonts is not
// something a reader notices.
func Fonts(t testing.TB, body []byte) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdffonts", path).Output()
	if err != nil {
		t.Fatalf("pdffonts (poppler-utils): %v", err)
	}
	var names []string
	for i, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); i >= 2 && len(f) > 0 {
			names = append(names, f[0])
		}
	}
	slices.Sort(names)
	return names
}

// Letters keeps only the letters, marks and digits of Plain(s), in their
// order: pdftotext places the spaces and punctuation at the edges of a
// left-to-right run inside a right-to-left line (a number, a Latin name) as
// it can guess, and breaks lines where the PDF did, while the order of words
// and of the digits of a number says whether a line was laid out right.
func Letters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			return r
		}
		return -1
	}, Plain(s))
}
