package pdf

import "unicode"

// Arabic contextual shaping. A PDF font program without a shaping engine draws
// one glyph per character, so each Arabic letter is replaced by the
// presentation form (Arabic Presentation Forms-A and -B) its neighbours call
// for, following the joining rules of the Unicode standard (chapter 9.2,
// ArabicShaping.txt): a dual-joining letter joins on both sides, a
// right-joining one (ا د ذ ر ز و ژ…) only to the letter before it, marks are
// transparent, the tatweel and the zero-width joiner join both ways.
//
// A letter's joining type is read from the forms the embedded font can draw:
// all four forms make it dual-joining, the isolated and final forms
// right-joining; a letter Unicode gives no presentation forms (most Pashto and
// some Urdu letters) or the font lacks is printed as it is and its neighbours
// do not join to it, so that a word never shows a half-joined letter.

type joining uint8

const (
	nonJoining joining = iota
	rightJoining
	dualJoining
	joinCausing
	transparent
)

const (
	lam     = '\u0644'
	tatweel = '\u0640'
	zwj     = '\u200D'
)

// shaper holds the forms a font draws.
type shaper struct {
	forms   map[rune][4]rune // isolated, final, initial, medial
	types   map[rune]joining
	lamAlef map[rune][2]rune
}

// newShaper keeps the forms of arabicForms and lamAlef that font draws.
func newShaper(font map[rune]bool) *shaper {
	s := &shaper{forms: map[rune][4]rune{}, types: map[rune]joining{}, lamAlef: map[rune][2]rune{}}
	for r, f := range arabicForms {
		has := func(i int) bool { return f[i] != 0 && font[f[i]] }
		switch {
		case has(0) && has(1) && has(2) && has(3):
			s.types[r] = dualJoining
		case has(0) && has(1):
			s.types[r] = rightJoining
			f[2], f[3] = 0, 0
		default:
			continue
		}
		s.forms[r] = f
	}
	for r, f := range lamAlef {
		if font[f[0]] && font[f[1]] && s.types[lam] == dualJoining {
			s.lamAlef[r] = f
		}
	}
	return s
}

func (s *shaper) joiningType(r rune) joining {
	if t, ok := s.types[r]; ok {
		return t
	}
	switch {
	case r == tatweel || r == zwj:
		return joinCausing
	case unicode.In(r, unicode.Mn, unicode.Me) || r == '\u200E' || r == '\u200F':
		return transparent
	}
	return nonJoining
}

// shape returns the logical-order text with each Arabic letter in its
// contextual form and lam-alef as one ligature.
func (s *shaper) shape(text []rune) []rune {
	arabic := false
	for _, r := range text {
		if r >= 0x0600 && r <= 0x06FF {
			arabic = true
			break
		}
	}
	if !arabic {
		return text
	}
	// neighbour finds the joining type of the nearest non-transparent
	// character from i in direction step.
	neighbour := func(i, step int) (joining, int) {
		for j := i + step; j >= 0 && j < len(text); j += step {
			if t := s.joiningType(text[j]); t != transparent {
				return t, j
			}
		}
		return nonJoining, -1
	}
	out := make([]rune, 0, len(text))
	for i := 0; i < len(text); i++ {
		r := text[i]
		t := s.joiningType(r)
		if t != dualJoining && t != rightJoining {
			out = append(out, r)
			continue
		}
		prev, _ := neighbour(i, -1)
		joinsPrev := prev == dualJoining || prev == joinCausing
		if r == lam {
			if next, j := neighbour(i, 1); next != transparent && j == i+1 {
				if lig, ok := s.lamAlef[text[j]]; ok {
					if joinsPrev {
						out = append(out, lig[1])
					} else {
						out = append(out, lig[0])
					}
					i = j
					continue
				}
			}
		}
		next, _ := neighbour(i, 1)
		joinsNext := t == dualJoining && (next == dualJoining || next == rightJoining || next == joinCausing)
		f := s.forms[r]
		switch {
		case joinsPrev && joinsNext:
			out = append(out, f[3])
		case joinsPrev:
			out = append(out, f[1])
		case joinsNext:
			out = append(out, f[2])
		default:
			out = append(out, f[0])
		}
	}
	return out
}
