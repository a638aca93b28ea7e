package pdf

import "golang.org/x/text/unicode/bidi"

// The Unicode bidirectional algorithm (UAX #9) for one line of a PDF.
//
// golang.org/x/text/unicode/bidi implements the algorithm inside but exports
// only runs in logical order with their direction: not the embedding levels
// nor the visual order (a number inside Arabic inside a French line needs
// both), and it cannot force a left-to-right paragraph whose first letter is
// Arabic. So this file keeps its character classes (LookupRune) and bracket
// mirroring (ReverseString) and applies the rules a printed line needs:
// W1–W7, N1–N2 (without N0's bracket pairs), I1–I2, L1, L2 and L4, with
// isolates (LRI, RLI, FSI … PDI, as Isolate writes them) resolved apart, as
// X5a–X6a ask. Embeddings and overrides (LRE, RLE, LRO, RLO, PDF), which
// nothing in Tremplin writes, are dropped like the other formatting
// characters.

const (
	fsi = '\u2068'
	pdi = '\u2069'
)

// Isolate wraps text that comes from somewhere else (a name, a place) so
// that its direction follows its own first letter and does not pull the
// numbers and punctuation around it: "محمد, né le 3 mai" keeps "3 mai"
// after the name in a French line.
func Isolate(s string) string {
	if s == "" {
		return s
	}
	return string(fsi) + s + string(pdi)
}

func classOf(r rune) bidi.Class {
	p, _ := bidi.LookupRune(r)
	return p.Class()
}

func isIsolateStart(c bidi.Class) bool { return c == bidi.LRI || c == bidi.RLI || c == bidi.FSI }

// firstStrong is the direction of the first strong letter of text, outside
// nested isolates: 1 for right to left, 0 otherwise.
func firstStrong(cls []bidi.Class) int {
	depth := 0
	for _, c := range cls {
		switch {
		case isIsolateStart(c):
			depth++
		case c == bidi.PDI:
			if depth > 0 {
				depth--
			}
		case depth == 0 && c == bidi.L:
			return 0
		case depth == 0 && (c == bidi.R || c == bidi.AL):
			return 1
		}
	}
	return 0
}

// resolve sets the levels of cls[i] for the indexes idx, a sequence resolved
// at embedding level lvl; isolates inside it are resolved apart at the next
// level of their direction.
func resolve(cls []bidi.Class, idx []int, lvl int, levels []int) {
	// The sequence without its isolates' content; each isolate's content
	// goes to its own resolution.
	var seq []int
	for k := 0; k < len(idx); k++ {
		i := idx[k]
		seq = append(seq, i)
		if !isIsolateStart(cls[i]) {
			continue
		}
		depth, end := 1, len(idx)
		for m := k + 1; m < len(idx); m++ {
			c := cls[idx[m]]
			if isIsolateStart(c) {
				depth++
			} else if c == bidi.PDI {
				if depth--; depth == 0 {
					end = m
					break
				}
			}
		}
		inner := idx[k+1 : end]
		innerCls := make([]bidi.Class, len(inner))
		for n, j := range inner {
			innerCls[n] = cls[j]
		}
		rtl := cls[i] == bidi.RLI || (cls[i] == bidi.FSI && firstStrong(innerCls) == 1)
		next := lvl + 1
		if (next%2 == 1) != rtl {
			next++
		}
		resolve(cls, inner, next, levels)
		k = end - 1 // the PDI, if any, comes next in the outer sequence
	}
	e := bidi.L
	if lvl%2 == 1 {
		e = bidi.R
	}
	t := make([]bidi.Class, len(seq))
	for n, i := range seq {
		switch c := cls[i]; {
		case isIsolateStart(c) || c == bidi.PDI:
			t[n] = bidi.ON
		default:
			t[n] = c
		}
	}
	// W1: a mark takes the type of what it follows (an isolate's ends are
	// neutral).
	for n := range t {
		if t[n] == bidi.NSM {
			if n == 0 {
				t[n] = e
			} else {
				t[n] = t[n-1]
			}
		}
	}
	// W2, W3: a European number after Arabic letters is an Arabic number;
	// Arabic letters are then right to left.
	strong := e
	for n, c := range t {
		switch c {
		case bidi.L, bidi.R, bidi.AL:
			strong = c
		case bidi.EN:
			if strong == bidi.AL {
				t[n] = bidi.AN
			}
		}
	}
	for n := range t {
		if t[n] == bidi.AL {
			t[n] = bidi.R
		}
	}
	// W4: one separator between two numbers of a kind joins them.
	for n := 1; n+1 < len(t); n++ {
		a, c, b := t[n-1], t[n], t[n+1]
		if c == bidi.ES && a == bidi.EN && b == bidi.EN {
			t[n] = bidi.EN
		} else if c == bidi.CS && a == b && (a == bidi.EN || a == bidi.AN) {
			t[n] = a
		}
	}
	// W5: currency and percent signs next to a European number join it.
	for n := 0; n < len(t); n++ {
		if t[n] != bidi.ET {
			continue
		}
		m := n
		for m < len(t) && t[m] == bidi.ET {
			m++
		}
		if (n > 0 && t[n-1] == bidi.EN) || (m < len(t) && t[m] == bidi.EN) {
			for k := n; k < m; k++ {
				t[k] = bidi.EN
			}
		}
		n = m - 1
	}
	// W6: the remaining separators and terminators are neutral.
	for n, c := range t {
		if c == bidi.ES || c == bidi.ET || c == bidi.CS {
			t[n] = bidi.ON
		}
	}
	// W7: a European number after a left-to-right letter is left to right.
	strong = e
	for n, c := range t {
		switch c {
		case bidi.L, bidi.R:
			strong = c
		case bidi.EN:
			if strong == bidi.L {
				t[n] = bidi.L
			}
		}
	}
	// N1, N2: neutrals between two strong directions that agree take it
	// (numbers count as right to left), the others the embedding's.
	dir := func(c bidi.Class) bidi.Class {
		switch c {
		case bidi.L:
			return bidi.L
		case bidi.R, bidi.EN, bidi.AN:
			return bidi.R
		}
		return bidi.ON
	}
	for n := 0; n < len(t); n++ {
		if dir(t[n]) != bidi.ON {
			continue
		}
		m := n
		for m < len(t) && dir(t[m]) == bidi.ON {
			m++
		}
		before, after := e, e
		if n > 0 {
			before = dir(t[n-1])
		}
		if m < len(t) {
			after = dir(t[m])
		}
		set := e
		if before == after {
			set = before
		}
		for k := n; k < m; k++ {
			t[k] = set
		}
		n = m - 1
	}
	// I1, I2.
	for n, i := range seq {
		l := lvl
		switch c := t[n]; {
		case lvl%2 == 0 && c == bidi.R:
			l++
		case lvl%2 == 0 && (c == bidi.AN || c == bidi.EN):
			l += 2
		case lvl%2 == 1 && (c == bidi.L || c == bidi.AN || c == bidi.EN):
			l++
		}
		levels[i] = l
	}
}

// visual returns a line of text in the order it is drawn, left to right,
// for a paragraph of direction rtl, without the formatting characters.
func visual(text []rune, rtl bool) []rune {
	base := 0
	if rtl {
		base = 1
	}
	cls := make([]bidi.Class, len(text))
	idx := make([]int, 0, len(text))
	for i, r := range text {
		cls[i] = classOf(r)
		switch cls[i] {
		case bidi.LRE, bidi.RLE, bidi.LRO, bidi.RLO, bidi.PDF, bidi.BN:
			continue // X9: as if they were not there
		}
		idx = append(idx, i)
	}
	levels := make([]int, len(text))
	resolve(cls, idx, base, levels)
	// L1: spaces at the end of the line, and before a tab, go back to the
	// paragraph's level.
	trailing := true
	for k := len(idx) - 1; k >= 0; k-- {
		i := idx[k]
		c := cls[i]
		ws := c == bidi.WS || isIsolateStart(c) || c == bidi.PDI
		if c == bidi.S || c == bidi.B {
			levels[i] = base
			trailing = true
			continue
		}
		if trailing && ws {
			levels[i] = base
			continue
		}
		trailing = false
	}
	// L2: from the highest level down to the lowest odd one, reverse every
	// run at that level or above.
	order := make([]int, 0, len(idx))
	high, lowOdd := 0, 1<<30
	for _, i := range idx {
		switch c := cls[i]; {
		case isIsolateStart(c) || c == bidi.PDI:
			continue // drawn as nothing
		}
		order = append(order, i)
		high = max(high, levels[i])
		if levels[i]%2 == 1 {
			lowOdd = min(lowOdd, levels[i])
		}
	}
	for l := high; l >= lowOdd; l-- {
		for n := 0; n < len(order); n++ {
			if levels[order[n]] < l {
				continue
			}
			m := n
			for m < len(order) && levels[order[m]] >= l {
				m++
			}
			for a, b := n, m-1; a < b; a, b = a+1, b-1 {
				order[a], order[b] = order[b], order[a]
			}
			n = m
		}
	}
	// L4: brackets and the like are mirrored in right-to-left runs.
	out := make([]rune, len(order))
	for n, i := range order {
		r := text[i]
		if levels[i]%2 == 1 {
			if m, ok := mirrored[r]; ok {
				r = m
			} else if p, _ := bidi.LookupRune(r); p.IsBracket() {
				r = []rune(bidi.ReverseString(string(r)))[0]
			}
		}
		out[n] = r
	}
	return out
}

// mirrored are the mirrored characters (BidiMirroring.txt) that are not
// paired brackets, which x/text mirrors: those French and Arabic texts use.
var mirrored = map[rune]rune{'<': '>', '>': '<', '«': '»', '»': '«', '‹': '›', '›': '‹', '≤': '≥', '≥': '≤'}

// hasLetters reports whether text has a letter with a direction. A line
// without one (an amount "1 234,50 €", a date, a page number) is laid out
// left to right on a right-to-left page too, as it is written in French:
// the spaces between the digit groups would otherwise reverse them.
func hasLetters(text []rune) bool {
	for _, r := range text {
		switch classOf(r) {
		case bidi.L, bidi.R, bidi.AL:
			return true
		}
	}
	return false
}
