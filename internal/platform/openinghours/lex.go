package openinghours

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// tokenKind classifies the tokens produced by lex.
type tokenKind int

const (
	tokEOF       tokenKind = iota
	tokInvalid             // lexing failed here; msg says why. Always the last token.
	tokWord                // run of letters: Mo, Jan, PH, week, off… (or a typo)
	tokNumber              // run of ASCII digits not followed by ":digit"
	tokTime                // digits ":" digits, e.g. 09:00 (checked by the parser)
	tokComment             // "quoted text"; text holds the quotes too
	tokSemicolon           // ;  normal rule separator
	tokComma               // ,  list separator or additional rule separator
	tokFallback            // || fallback rule separator
	tokDash                // -  ranges
	tokColon               // :  ends the wide range selectors ("Jan-Mar: …")
	tokPlus                // +  open end ("18:00+")
	tokSlash               // /  week step ("week 1-53/2") and 24/7
	tokLBracket            // [  nth weekday ("Su[1]")
	tokRBracket            // ]
)

// token is one lexical unit. pos and end are byte offsets into the source so
// that errors can point at the exact place, and so that the parser can tell
// whether two tokens were written next to each other (needed for "24/7").
type token struct {
	kind tokenKind
	pos  int
	end  int
	text string
	msg  string // only for tokInvalid
}

// lex splits s into tokens, skipping whitespace.
//
// The whole input is tokenized up front because the grammar needs two
// tokens of look-ahead (to tell a list comma from a rule separator). A
// lexing problem does not abort immediately: it becomes a tokInvalid token
// so that a grammar error located earlier in the string is still the one
// reported, keeping error positions monotonic for the user.
func lex(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		// Any Unicode space is tolerated, not only ASCII: values pasted from
		// French word processors often contain no-break spaces.
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		start := i
		switch {
		case unicode.IsLetter(r):
			// Words take any letter, not only ASCII, so that "fermé" or
			// "Mé" is reported as one unknown word rather than as a stray
			// "é". Keywords themselves are all ASCII.
			for i < len(s) {
				r, size := utf8.DecodeRuneInString(s[i:])
				if !unicode.IsLetter(r) {
					break
				}
				i += size
			}
			toks = append(toks, token{kind: tokWord, pos: start, end: i, text: s[start:i]})
		case isDigit(s[i]):
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			kind := tokNumber
			// "09:00" is one token, but "week 10: Mo" is a number followed by
			// the wide-selector colon, so only take the colon when a digit
			// follows it directly.
			if i+1 < len(s) && s[i] == ':' && isDigit(s[i+1]) {
				i++
				for i < len(s) && isDigit(s[i]) {
					i++
				}
				kind = tokTime
			}
			toks = append(toks, token{kind: kind, pos: start, end: i, text: s[start:i]})
		case s[i] == '"':
			// Comments have no escape sequences in the OSM grammar: the
			// first following quote closes them.
			j := i + 1
			for j < len(s) && s[j] != '"' {
				j++
			}
			if j == len(s) {
				return append(toks, token{kind: tokInvalid, pos: start, end: len(s), msg: "unterminated comment: missing closing \""})
			}
			i = j + 1
			toks = append(toks, token{kind: tokComment, pos: start, end: i, text: s[start:i]})
		case s[i] == '|':
			if i+1 < len(s) && s[i+1] == '|' {
				i += 2
				toks = append(toks, token{kind: tokFallback, pos: start, end: i, text: "||"})
				continue
			}
			return append(toks, token{kind: tokInvalid, pos: start, end: start + 1, msg: `single "|": use "||" for a fallback rule`})
		default:
			kind, ok := punctuation[s[i]]
			if !ok {
				return append(toks, token{kind: tokInvalid, pos: start, end: start + size, msg: fmt.Sprintf("unexpected character %q", r)})
			}
			i++
			toks = append(toks, token{kind: kind, pos: start, end: i, text: s[start:i]})
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(s), end: len(s)})
}

var punctuation = map[byte]tokenKind{
	';': tokSemicolon,
	',': tokComma,
	'-': tokDash,
	':': tokColon,
	'+': tokPlus,
	'/': tokSlash,
	'[': tokLBracket,
	']': tokRBracket,
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
