package openinghours

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateValid(t *testing.T) {
	valid := []string{
		// Always open, plain rules.
		"24/7",
		"24/7 closed \"travaux\"",
		"Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
		"Tu,Th 14:00-17:30",
		"Mo-Sa 10:00-19:00; Su off",
		"Mo-Fr 08:30-12:30; We 14:00-18:00 \"sur rendez-vous\"",
		"Mo,We,Fr 10:00-12:00",
		"Mo 10:00-12:00",
		"Mo",
		"Sa-Mo 10:00-18:00", // weekday ranges may wrap
		"10:00-18:00",
		// Holidays.
		"PH off",
		"SH off",
		"PH,Su off",
		"Mo-Fr,PH 10:00-12:00",
		"PH,SH 10:00-12:00",
		"SH Mo-Fr 10:00-12:00",
		// Nth weekday of the month, with offsets.
		"Fr[-1] 18:00-22:00",
		"Su[1] 10:00-12:00",
		"Mo[1,3] 14:00-16:00",
		"Mo[1-2] 14:00-16:00",
		"Sa[-1] +1 day 10:00-12:00",
		"Su[2] -2 days off",
		"Su[1],Sa[-1] 10:00-12:00",
		// Months and dates.
		"Jan-Jun,Sep-Dec Mo-Fr 09:00-17:00; Jul-Aug off",
		"Dec 25 off",
		"Jul 14 off",
		"Dec 24-26 off",
		"Dec 24-Jan 02 off",
		"Dec 25+ off",
		"Feb 29 off",
		"Nov-Feb Sa 10:00-12:00", // wraps over the new year
		"Jan 09:00-12:00",
		"Apr-Sep: Mo-Fr 08:00-20:00",
		"May 1 off; May 8 off",
		// Weeks.
		"week 1-53/2 Sa 10:00-12:00",
		"week 01-53 Mo 10:00-12:00",
		"week 2,4,6 Tu 09:00-11:00",
		"week 10: Mo 10:00-11:00",
		"week 1-24/7 Mo 10:00-11:00",
		"Jun week 23-26 Sa 10:00-12:00",
		// Times.
		"Fr-Sa 22:00-02:00",
		"Sa 20:00-26:00",
		"Mo-Su 00:00-24:00",
		"Mo 18:00+",
		"Mo 18:00-02:00+",
		"Mo 00:00-48:00",
		"Mo-Fr 07:00-09:00,11:30-13:30,17:00-19:00",
		// Modifiers and comments.
		"off",
		"closed",
		"open",
		"unknown",
		"Mo-Fr closed",
		"Mo-Fr unknown \"appeler avant\"",
		"\"sur rendez-vous\"",
		"\"\"",
		"\"Ramadan\": Mo-Fr 20:00-23:00",
		"Mo open \"a; b, c || d\"",
		// Separators.
		"Mo-Fr 08:00-12:00, We 14:00-18:00",
		"Mo-Fr 08:00-12:00 || \"sur rendez-vous\"",
		"Mo 10:00-12:00,Tu 10:00-12:00",
		"Mo-Sa 10:00-19:00, PH off",
		// Whitespace tolerance.
		"  Mo-Fr 09:00-12:00  ",
		"Mo - Fr 09:00 - 12:00 ; Sa 09:00-12:00",
		"Mo-Fr\t09:00-12:00",
		"Mo-Fr\u00a009:00-12:00", // no-break space pasted from a word processor
		"Mo , Tu 10:00-12:00",
		"Mo-Fr09:00-12:00",
		"Mo 10:00-12:00\n", // trailing newline from a textarea
	}
	for _, s := range valid {
		if err := Validate(s); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", s, err)
		}
	}
}

func TestValidateInvalid(t *testing.T) {
	tests := []struct {
		in  string
		pos int    // expected SyntaxError.Pos
		msg string // substring of SyntaxError.Msg
	}{
		{"", 0, "empty"},
		{"   ", 0, "empty"},
		{"\t\u00a0", 0, "empty"},
		// Unknown names.
		{"Lu-Ve 09:00-12:00", 0, `"Lu"`},
		{"Monday 09:00-12:00", 0, `write "Mo"`},
		{"mo-fr 09:00-12:00", 0, `write it "Mo"`},
		{"Mo-Ve 09:00-12:00", 3, "a day after"},
		{"Janvier off", 0, `"Janvier"`},
		{"Jan-Foo off", 4, "a month after"},
		{"Mo-Fr 09:00-12:00 ferme", 18, `"ferme"`},
		{"Lundi 9h-12h", 0, `"Lundi"`},
		{"Mo-Fr Off", 6, `write it "off"`},
		// Bad times.
		{"Mo 09:60-12:00", 6, "below 60"},
		{"Mo 09:00-12:75", 12, "below 60"},
		{"Mo 25:00-26:00", 3, "above 24"},
		{"Mo 24:30-26:00", 3, "past 24:00"},
		{"Mo 20:00-49:00", 9, "above 48"},
		{"Mo 20:00-48:30", 9, "past 48:00"},
		{"Mo 9-12", 3, "HH:MM"},
		{"9-12", 0, "HH:MM"},
		{"Mo 9:00-12:00", 3, "two digits"},
		{"Mo 09:0-12:00", 6, "two digits"},
		{"Mo 09:00-12", 9, "end time"},
		{"Mo 09:00", 3, "needs an end"},
		{"Mo 09:00,14:00-18:00", 3, "needs an end"},
		{"Mo 08:00-12:00 14:00-18:00", 15, "missing \",\""},
		{"Mo 09:00-", 9, "end of text"},
		{"Mo 10:00-16:00/01:30", 14, "unexpected"},
		// Separators.
		{"Mo 10:00-12:00;", 14, "trailing"},
		{"Mo 10:00-12:00; ", 14, "trailing"},
		{"Mo 10:00-12:00,", 14, "trailing"},
		{"Mo 10:00-12:00 ||", 15, "trailing"},
		{"; Mo 10:00-12:00", 0, "a rule"},
		{"Mo 10:00-12:00;; Tu", 15, "a rule"},
		{"Mo,,Tu", 3, "a rule"},
		{"Mo | Tu", 3, "||"},
		// Comments.
		{"Mo \"sur rendez-vous", 3, "unterminated"},
		{"\"", 0, "unterminated"},
		{"Mo off \"a\" \"b\"", 11, "unexpected"},
		// Dates, weeks, nth.
		{"Feb 30 off", 4, "no day 30"},
		{"Apr 31 off", 4, "no day 31"},
		{"Dec 0 off", 4, "out of range"},
		{"Dec 26-24 off", 7, "before"},
		{"Dec 24-Jan off", 11, "day number"},
		{"Dec 24- off", 8, "a day or a month"},
		{"week 0-53 Mo", 5, "out of range"},
		{"week 1-54 Mo", 7, "out of range"},
		{"week 1-53/0 Mo", 10, "out of range"},
		{"week Mo", 5, "week number"},
		{"Su[0] off", 3, "out of range"},
		{"Su[6] off", 3, "out of range"},
		{"Su[-6] off", 4, "out of range"},
		{"Su[3-1] off", 5, "reversed"},
		{"Su[1 off", 5, `expected "]", found "off"`},
		{"Su[1] +1 week", 9, "day"},
		// 24/7 spelled oddly, garbage.
		{"24/7 Mo", 5, "unexpected"},
		{"24 / 7", 0, "a rule"},
		{"24/77", 0, "a rule"},
		{"Mo-Fr 09:00-12:00 & Sa", 18, "unexpected character"},
		{"Mo-Fr: 10:00-12:00", 5, "unexpected"},
		{"Mé 10:00-12:00", 0, `"Mé"`},
		{"????", 0, "unexpected character"},
		{"Mo-Fr 09:00-12:00; Sa 09:00-12:00; PH fermé", 38, `"fermé"`},
	}
	for _, tt := range tests {
		err := Validate(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Validate(%q) = %v, want *SyntaxError", tt.in, err)
			continue
		}
		if se.Pos != tt.pos || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Validate(%q) = {Pos: %d, Msg: %q}, want Pos %d and Msg containing %q",
				tt.in, se.Pos, se.Msg, tt.pos, tt.msg)
		}
		if se.Pos < 0 || se.Pos > len(tt.in) {
			t.Errorf("Validate(%q): Pos %d outside the input", tt.in, se.Pos)
		}
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	err := Validate("Mo 09:60-12:00")
	want := "opening_hours: minutes 60 must be below 60 (at byte 6)"
	if err == nil || err.Error() != want {
		t.Fatalf("Validate error = %v, want %q", err, want)
	}
}

func FuzzValidate(f *testing.F) {
	seeds := []string{
		"24/7",
		"Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
		"Jan-Jun,Sep-Dec Mo-Fr 09:00-17:00; Jul-Aug off",
		"week 1-53/2 Sa 10:00-12:00",
		"Fr[-1] 18:00-22:00",
		"Su[1],Mo[1,3] +1 day 10:00-12:00",
		"Dec 24-Jan 02 off",
		"Mo 18:00+ || \"sur rendez-vous\"",
		"\"Ramadan\": Mo-Fr 20:00-23:00",
		"Mo 9-12",
		"Mo \"unterminated",
		"",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Validate(s) // must not panic
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Validate(%q) returned %T, want *SyntaxError", s, err)
			}
			if se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("Validate(%q): Pos %d outside [0, %d]", s, se.Pos, len(s))
			}
			return
		}
		// Whitespace around separators never changes the meaning, so a
		// valid value must stay valid when spaces are added around ";".
		spaced := strings.ReplaceAll(s, ";", " ; ")
		if err := Validate(spaced); err != nil {
			t.Fatalf("Validate(%q) = nil but Validate(%q) = %v", s, spaced, err)
		}
	})
}
