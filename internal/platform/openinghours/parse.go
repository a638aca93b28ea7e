package openinghours

import (
	"fmt"
	"strconv"
	"strings"
)

// The grammar below is the subset of the OSM specification
// (https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification)
// that this package accepts. Each parse function implements one production.
//
//	time_domain    = rule { ( ";" | "," | "||" ) rule }
//	rule           = "24/7" [modifier]
//	               | [month_sel] [week_sel] [":"] [weekday_sel] [time_sel] [modifier]
//	               | comment ":" …                       (comment as a wide selector)
//	month_sel      = month_range { "," month_range }
//	month_range    = month [ "-" month ]
//	               | month day [ "+" | "-" day | "-" month day ]
//	week_sel       = "week" week_range { "," week_range }
//	week_range     = weeknum [ "-" weeknum [ "/" step ] ]
//	weekday_sel    = day_list [ day_list ]                (second list only after holidays: "SH Mo-Fr")
//	day_list       = day_item { "," day_item }
//	day_item       = "PH" | "SH" | wday [ "-" wday ] | wday "[" nth { "," nth } "]" [day_offset]
//	nth            = 1..5 [ "-" 1..5 ] | "-" 1..5
//	day_offset     = ( "+" | "-" ) number ( "day" | "days" )
//	time_sel       = timespan { "," timespan }
//	timespan       = hh:mm "+" | hh:mm "-" extended_hh:mm [ "+" ]
//	modifier       = ( "open" | "closed" | "off" | "unknown" ) [comment] | comment
//
// A comma is ambiguous: it separates list items ("Mo,We", "09:00-12:00,14:00-18:00")
// and it also separates additional rules ("Mo 10:00-12:00, Sa off"). As in
// the OSM specification, a list keeps the comma when the token after it can
// continue the same list; otherwise the comma is left for time_domain.

type parser struct {
	src  string
	toks []token
	i    int
}

var (
	weekdays = []string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}
	holidays = []string{"PH", "SH"}
	months   = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	// Days per month; February allows 29 because a rule like "Feb 29 off"
	// is legitimate for leap years.
	monthDays = []int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	modifiers = []string{"open", "closed", "off", "unknown"}
)

func (p *parser) peek() token { return p.toks[p.i] }

// peekAt looks n tokens ahead. The token list always ends with tokEOF or
// tokInvalid, and the parser never moves past it, so clamp to that.
func (p *parser) peekAt(n int) token {
	if p.i+n >= len(p.toks) {
		return p.toks[len(p.toks)-1]
	}
	return p.toks[p.i+n]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF && t.kind != tokInvalid {
		p.i++
	}
	return t
}

func errAt(pos int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// unexpected builds the error for token t when the grammar wanted something
// described by want (or nothing specific when want is ""). Lexing errors carry their own, more precise message.
func (p *parser) unexpected(t token, want string) *SyntaxError {
	if t.kind == tokInvalid {
		return errAt(t.pos, "%s", t.msg)
	}
	if want == "" {
		return errAt(t.pos, "unexpected %s", describe(t))
	}
	return errAt(t.pos, "expected %s, found %s", want, describe(t))
}

// describe renders a token for error messages, with hints for the mistakes
// staff actually make (French or full day names, wrong case, "9-12").
func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "end of text"
	case tokWord:
		return fmt.Sprintf("%q%s", t.text, wordHint(t.text))
	case tokNumber:
		return fmt.Sprintf("number %q (times are written HH:MM, e.g. 09:00)", t.text)
	case tokTime:
		return "time " + t.text
	case tokComment:
		return "comment " + t.text
	default:
		return fmt.Sprintf("%q", t.text)
	}
}

func wordHint(w string) string {
	for _, list := range [][]string{weekdays, holidays, months, modifiers, {"week"}} {
		for _, k := range list {
			if w == k {
				return "" // a real keyword, just in the wrong place
			}
			if strings.EqualFold(w, k) {
				return fmt.Sprintf(" (write it %q)", k)
			}
		}
	}
	lower := strings.ToLower(w)
	for _, d := range weekdays {
		// "Monday", "tuesday"…: English names, one of our common mistakes.
		if len(w) > 2 && strings.HasPrefix(lower, strings.ToLower(d)) && strings.HasSuffix(lower, "day") {
			return fmt.Sprintf(" (days are two-letter English abbreviations: write %q)", d)
		}
	}
	return " (days are Mo Tu We Th Fr Sa Su, months Jan…Dec)"
}

func isOneOf(t token, list []string) bool {
	if t.kind != tokWord {
		return false
	}
	for _, k := range list {
		if t.text == k {
			return true
		}
	}
	return false
}

func indexOf(list []string, s string) int {
	for i, k := range list {
		if k == s {
			return i
		}
	}
	return -1
}

func isDayStart(t token) bool { return isOneOf(t, weekdays) || isOneOf(t, holidays) }

// smallNumber parses a number token of at most two digits and checks that it
// lies in [lo, hi]. Limiting the length first keeps Atoi away from huge digit
// runs and rejects odd spellings such as "001".
func smallNumber(t token, what string, lo, hi int) (int, *SyntaxError) {
	if t.kind != tokNumber {
		return 0, nil // callers check the kind; kept total for safety
	}
	n, err := strconv.Atoi(t.text)
	if len(t.text) > 2 || err != nil || n < lo || n > hi {
		return 0, errAt(t.pos, "%s %s out of range %d-%d", what, t.text, lo, hi)
	}
	return n, nil
}

func (p *parser) expectNumber(want string, lo, hi int) (int, *SyntaxError) {
	t := p.peek()
	if t.kind != tokNumber {
		return 0, p.unexpected(t, want)
	}
	p.next()
	return smallNumber(t, want, lo, hi)
}

// parseTimeDomain: rule { separator rule }.
func (p *parser) parseTimeDomain() *SyntaxError {
	if p.peek().kind == tokEOF {
		return errAt(0, "empty value")
	}
	for {
		if err := p.parseRule(); err != nil {
			return err
		}
		t := p.peek()
		switch t.kind {
		case tokEOF:
			return nil
		case tokSemicolon, tokComma, tokFallback:
			p.next()
			// Checked here rather than in parseRule so the message names the
			// real mistake: "Mo 10:00-12:00;" has a dangling separator.
			if p.peek().kind == tokEOF {
				return errAt(t.pos, "trailing %q: nothing follows the separator", t.text)
			}
		default:
			// Whatever is left could not belong to the rule just parsed.
			return p.unexpected(t, "")
		}
	}
}

// parseRule parses one rule; at least one selector or modifier is required
// so that ";;" and leading separators are rejected.
func (p *parser) parseRule() *SyntaxError {
	start := p.i

	// "24/7" is lexed as 24 / 7; requiring the three tokens to touch keeps
	// "week 1-24/7" (weeks 1 to 24, every 7th) unambiguous and matches the
	// strict spelling OSM tools expect.
	if a, b, c := p.peekAt(0), p.peekAt(1), p.peekAt(2); a.kind == tokNumber && a.text == "24" &&
		b.kind == tokSlash && b.pos == a.end && c.kind == tokNumber && c.text == "7" && c.pos == b.end {
		p.i += 3
		return p.parseModifier()
	}

	wide := false
	if t := p.peek(); t.kind == tokComment && p.peekAt(1).kind == tokColon {
		// A comment may stand in for wide selectors: `"Ramadan": Mo-Fr 20:00-23:00`.
		p.i += 2
	}
	if isOneOf(p.peek(), months) {
		if err := p.parseMonthSelector(); err != nil {
			return err
		}
		wide = true
	}
	if t := p.peek(); t.kind == tokWord && t.text == "week" {
		if err := p.parseWeekSelector(); err != nil {
			return err
		}
		wide = true
	}
	if wide && p.peek().kind == tokColon {
		p.next()
	}
	if isDayStart(p.peek()) {
		if err := p.parseWeekdaySelector(); err != nil {
			return err
		}
	}
	if p.peek().kind == tokTime {
		if err := p.parseTimeSelector(); err != nil {
			return err
		}
	}
	if err := p.parseModifier(); err != nil {
		return err
	}
	if p.i == start {
		return p.unexpected(p.peek(), "a rule (days, months, times, 24/7, off…)")
	}
	return nil
}

// parseModifier: optional state keyword, optional comment.
func (p *parser) parseModifier() *SyntaxError {
	if isOneOf(p.peek(), modifiers) {
		p.next()
	}
	if p.peek().kind == tokComment {
		p.next()
	}
	return nil
}

// parseMonthSelector: month_range { "," month_range }.
func (p *parser) parseMonthSelector() *SyntaxError {
	for {
		if err := p.parseMonthRange(); err != nil {
			return err
		}
		if p.peek().kind == tokComma && isOneOf(p.peekAt(1), months) {
			p.next()
			continue
		}
		return nil
	}
}

// parseMonthRange handles "Jan", "Jan-Mar", "Dec 25", "Dec 25+", "Dec 24-26"
// and "Dec 24-Jan 02". A day number directly after a month makes it a date.
func (p *parser) parseMonthRange() *SyntaxError {
	m1 := indexOf(months, p.next().text)
	if p.peek().kind != tokNumber {
		// Plain month or month range; ranges may wrap ("Nov-Feb").
		if p.peek().kind == tokDash {
			p.next()
			if !isOneOf(p.peek(), months) {
				return p.unexpected(p.peek(), "a month after \"-\"")
			}
			p.next()
		}
		return nil
	}
	d1, err := p.parseDay(m1)
	if err != nil {
		return err
	}
	switch p.peek().kind {
	case tokPlus:
		p.next()
	case tokDash:
		p.next()
		t := p.peek()
		switch {
		case t.kind == tokNumber:
			d2, err := p.parseDay(m1)
			if err != nil {
				return err
			}
			// Within one month the end must not precede the start; write
			// "Dec 24-Jan 02" to span a year boundary.
			if d2 < d1 {
				return errAt(t.pos, "day %d is before day %d in the same month", d2, d1)
			}
		case isOneOf(t, months):
			m2 := indexOf(months, p.next().text)
			if p.peek().kind != tokNumber {
				return p.unexpected(p.peek(), "a day number after "+t.text)
			}
			if _, err := p.parseDay(m2); err != nil {
				return err
			}
		default:
			return p.unexpected(t, "a day or a month after \"-\"")
		}
	}
	return nil
}

// parseDay reads a day of month and checks it exists in month m (0-based).
func (p *parser) parseDay(m int) (int, *SyntaxError) {
	t := p.next()
	n, err := smallNumber(t, "day", 1, 31)
	if err != nil {
		return 0, err
	}
	if n > monthDays[m] {
		return 0, errAt(t.pos, "%s has no day %d", months[m], n)
	}
	return n, nil
}

// parseWeekSelector: "week" week_range { "," week_range }.
func (p *parser) parseWeekSelector() *SyntaxError {
	p.next() // "week"
	for {
		if _, err := p.expectNumber("a week number", 1, 53); err != nil {
			return err
		}
		if p.peek().kind == tokDash {
			p.next()
			if _, err := p.expectNumber("a week number", 1, 53); err != nil {
				return err
			}
			if p.peek().kind == tokSlash {
				p.next()
				if _, err := p.expectNumber("a week step", 1, 53); err != nil {
					return err
				}
			}
		}
		if p.peek().kind == tokComma && p.peekAt(1).kind == tokNumber {
			p.next()
			continue
		}
		return nil
	}
}

// parseWeekdaySelector: day_list, optionally followed by a second day_list
// when the first one held only holidays ("SH Mo-Fr" = school-holiday
// weekdays, the OSM way to intersect holidays and weekdays).
func (p *parser) parseWeekdaySelector() *SyntaxError {
	onlyHolidays, err := p.parseDayList()
	if err != nil {
		return err
	}
	if onlyHolidays && isOneOf(p.peek(), weekdays) {
		_, err = p.parseDayList()
	}
	return err
}

func (p *parser) parseDayList() (onlyHolidays bool, err *SyntaxError) {
	onlyHolidays = true
	for {
		t := p.peek()
		switch {
		case isOneOf(t, holidays):
			p.next()
		case isOneOf(t, weekdays):
			onlyHolidays = false
			if err := p.parseDayItem(); err != nil {
				return false, err
			}
		default:
			return false, p.unexpected(t, "a day (Mo Tu We Th Fr Sa Su, PH, SH)")
		}
		if p.peek().kind == tokComma && isDayStart(p.peekAt(1)) {
			p.next()
			continue
		}
		return onlyHolidays, nil
	}
}

// parseDayItem: "Mo", "Mo-Fr" (may wrap: "Sa-Mo") or "Su[1]", "Mo[1,3]", "Fr[-1]".
func (p *parser) parseDayItem() *SyntaxError {
	p.next()
	switch p.peek().kind {
	case tokDash:
		p.next()
		if !isOneOf(p.peek(), weekdays) {
			return p.unexpected(p.peek(), "a day after \"-\"")
		}
		p.next()
	case tokLBracket:
		p.next()
		for {
			if err := p.parseNth(); err != nil {
				return err
			}
			if p.peek().kind == tokComma {
				p.next()
				continue
			}
			break
		}
		if p.peek().kind != tokRBracket {
			return p.unexpected(p.peek(), `"]"`)
		}
		p.next()
		return p.parseDayOffset()
	}
	return nil
}

// parseNth: 1..5, a range such as 1-3, or -1..-5 counted from the month end.
func (p *parser) parseNth() *SyntaxError {
	if p.peek().kind == tokDash {
		p.next()
		_, err := p.expectNumber("a week-of-month number", 1, 5)
		return err
	}
	a, err := p.expectNumber("a week-of-month number", 1, 5)
	if err != nil {
		return err
	}
	if p.peek().kind == tokDash {
		p.next()
		t := p.peek()
		b, err := p.expectNumber("a week-of-month number", 1, 5)
		if err != nil {
			return err
		}
		if b < a {
			return errAt(t.pos, "range %d-%d is reversed", a, b)
		}
	}
	return nil
}

// parseDayOffset accepts the optional "+2 days" / "-1 day" after "Su[-1]".
// A sign after "]" can mean nothing else, so no extra look-ahead is needed.
func (p *parser) parseDayOffset() *SyntaxError {
	if k := p.peek().kind; k != tokPlus && k != tokDash {
		return nil
	}
	p.next()
	t := p.peek()
	if t.kind != tokNumber || len(t.text) > 3 {
		return p.unexpected(t, "a number of days")
	}
	p.next()
	if u := p.peek(); !(u.kind == tokWord && (u.text == "day" || u.text == "days")) {
		return p.unexpected(u, `"day" or "days"`)
	}
	p.next()
	return nil
}

// parseTimeSelector: timespan { "," timespan }.
func (p *parser) parseTimeSelector() *SyntaxError {
	for {
		if err := p.parseTimespan(); err != nil {
			return err
		}
		switch t := p.peek(); {
		case t.kind == tokComma && p.peekAt(1).kind == tokTime:
			p.next()
			continue
		case t.kind == tokTime:
			// Common slip: "08:00-12:00 14:00-18:00". Say what is missing.
			return errAt(t.pos, "missing \",\" between time spans")
		}
		return nil
	}
}

// parseTimespan: "09:00-12:00", "22:00-02:00", "20:00-26:00", "18:00+",
// "10:00-24:00", "18:00-02:00+".
func (p *parser) parseTimespan() *SyntaxError {
	start := p.next()
	if err := checkTime(start, 24); err != nil {
		return err
	}
	switch p.peek().kind {
	case tokPlus:
		p.next()
		return nil
	case tokDash:
		p.next()
	default:
		return errAt(start.pos, "time %s needs an end (e.g. %s-18:00) or \"+\" for an open end", start.text, start.text)
	}
	end := p.peek()
	if end.kind != tokTime {
		return p.unexpected(end, "an end time HH:MM")
	}
	p.next()
	// The end may run past midnight up to 48:00 ("20:00-26:00"), which is
	// how OSM writes a span that ends the next morning.
	if err := checkTime(end, 48); err != nil {
		return err
	}
	if p.peek().kind == tokPlus {
		p.next()
	}
	return nil
}

// checkTime validates an HH:MM token: two-digit hour ≤ maxHour, two-digit
// minutes < 60, and maxHour itself only as maxHour:00. Two digits are
// required because the OSM specification requires them and the validators
// used by OSM editors flag "9:00".
func checkTime(t token, maxHour int) *SyntaxError {
	colon := strings.IndexByte(t.text, ':')
	hh, mm := t.text[:colon], t.text[colon+1:]
	if len(hh) != 2 {
		return errAt(t.pos, "hour %q must have two digits (e.g. 09:00)", hh)
	}
	mpos := t.pos + colon + 1
	if len(mm) != 2 {
		return errAt(mpos, "minutes %q must have two digits (e.g. 09:05)", mm)
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if h > maxHour {
		return errAt(t.pos, "hour %02d is above %d", h, maxHour)
	}
	if m >= 60 {
		return errAt(mpos, "minutes %02d must be below 60", m)
	}
	if h == maxHour && m != 0 {
		return errAt(t.pos, "time %s is past %d:00", t.text, maxHour)
	}
	return nil
}
