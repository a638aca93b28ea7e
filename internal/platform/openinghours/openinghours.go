// Package openinghours validates values written in the OpenStreetMap
// opening_hours syntax (https://wiki.openstreetmap.org/wiki/Key:opening_hours).
//
// Staff type a venue's opening hours in this syntax so that the value can be
// exported to OpenStreetMap and understood by the many tools that read it.
// The package only answers "is this well formed, and if not, where is the
// problem?"; it does not evaluate whether a venue is open at a given time.
//
// The supported subset covers what French venues publish in practice:
//
//	24/7
//	Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off
//	Jan-Jun,Sep-Dec Mo-Fr 09:00-17:00; Jul-Aug off
//	Dec 24-26 off; Jul 14 off
//	week 1-53/2 Sa 10:00-12:00
//	Su[1],Mo[1,3] 10:00-12:00; Fr[-1] 18:00-22:00
//	Fr-Sa 22:00-02:00; Sa 20:00-26:00; Mo 18:00+
//	We 14:00-18:00 "sur rendez-vous"
//
// Rules are separated by ";" (normal rule), "," (additional rule) or "||"
// (fallback rule). Each rule is, in this order and each part optional:
// month/date selector, week selector, an optional ":" ending those wide
// selectors, weekday/holiday selector, time selector, then a modifier
// (open, closed, off, unknown) and/or a quoted comment. Whitespace between
// tokens is ignored, as OSM tools do.
//
// Deliberately not supported (rare for our venues, and each would make the
// grammar noticeably larger): years, variable times (sunrise, sunset, dawn,
// dusk), periodic time spans ("10:00-16:00/01:30"), holiday offsets
// ("PH +1 day"), "easter", and single points in time without an end.
package openinghours

import "fmt"

// SyntaxError reports why and where a value is not valid opening_hours.
type SyntaxError struct {
	// Pos is the byte offset in the validated string where the problem was
	// found. It equals len(s) when the value ends too early.
	Pos int
	// Msg is a human-readable description of the problem.
	Msg string
}

// Error implements the error interface.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("opening_hours: %s (at byte %d)", e.Msg, e.Pos)
}

// Validate reports whether s is a valid opening_hours value within the
// subset documented on the package. It returns nil when s is valid and a
// *SyntaxError otherwise.
func Validate(s string) error {
	p := &parser{src: s, toks: lex(s)}
	if err := p.parseTimeDomain(); err != nil {
		return err
	}
	return nil
}
