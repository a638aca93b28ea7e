package openinghours

import "testing"

func TestWeekRoundTrip(t *testing.T) {
	for _, s := range []string{
		"",
		"Mo-Fr 09:00-12:30,13:30-17:30; Sa 10:00-12:00; PH off",
		"Tu,Th 14:00-17:00",
		"Mo-Fr 09:30-18:00",
		"Mo-Th 09:00-17:00; Fr 09:00-12:00",
		"Mo-Sa 08:00-16:00",
		"Mo,We,Fr 09:00-12:00; Tu,Th 14:00-18:30",
		"Mo,Tu 09:00-12:00; Th-Su 10:00-24:00",
	} {
		w, ok := ParseWeek(s)
		if !ok {
			t.Errorf("%q: not read back", s)
			continue
		}
		if got := w.String(); got != s {
			t.Errorf("%q read back and written as %q", s, got)
		}
		if err := Validate(w.String()); s != "" && err != nil {
			t.Errorf("%q: written value invalid: %v", s, err)
		}
	}
}

func TestWeekReadsOtherWritings(t *testing.T) {
	for in, want := range map[string]string{
		"Tu-Sa 10:00-18:00; Su,PH off":          "Tu-Sa 10:00-18:00; PH off",
		"Mo-Fr 09:00-17:00; We off":             "Mo,Tu,Th,Fr 09:00-17:00",
		"Mo 09:00-12:00; Tu 09:00-12:00":        "Mo,Tu 09:00-12:00",
		"Sa-Mo 10:00-12:00":                     "Mo,Sa,Su 10:00-12:00",
		"09:00-18:00":                           "Mo-Su 09:00-18:00",
		" Mo - Fr 09:00 - 12:00 , 14:00-17:00 ": "Mo-Fr 09:00-12:00,14:00-17:00",
	} {
		w, ok := ParseWeek(in)
		if !ok || w.String() != want {
			t.Errorf("%q: %v %q, want %q", in, ok, w.String(), want)
		}
	}
}

func TestWeekLeavesWhatItCannotSay(t *testing.T) {
	for _, s := range []string{
		"24/7",
		"Mo-Fr 08:00-10:00,11:00-13:00,14:00-18:00", // three ranges
		"Fr-Sa 22:00-02:00",                         // past midnight
		"Jul-Aug off",
		"Mo-Fr 09:00-17:00; PH off; Sa 10:00-12:00", // holidays opened again by a later rule?
		`We 14:00-18:00 "sur rendez-vous"`,
		"Mo 18:00+",
		"Su[1] 10:00-12:00",
		"Lu-Ve 9h-12h", // not valid at all
	} {
		if _, ok := ParseWeek(s); ok {
			t.Errorf("%q read as a plain week", s)
		}
	}
}

func TestParseClock(t *testing.T) {
	for in, want := range map[string]int{"9": 540, "9h": 540, "9h30": 570, "09:30": 570, "9.30": 570, "930": 570, "0930": 570,
		"٠٩:٣٠": 570, "۱۴:۰۰": 840, "24:00": 1440, "0:00": 0, " 14 h 05 ": 845} {
		if got, ok := ParseClock(in); !ok || got != want {
			t.Errorf("ParseClock(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "midi", "25:00", "24:30", "9:7", "9:60", "12345", "h30"} {
		if _, ok := ParseClock(in); ok {
			t.Errorf("ParseClock(%q) accepted", in)
		}
	}
}
