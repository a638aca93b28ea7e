package check

import "testing"

func TestASCIIDigits(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"Arabic-Indic", "١٩٩٢", "1992"},
		{"Persian", "۱۹۹۲", "1992"},
		{"mixed with text", "٥٩٠٠٠ Lille", "59000 Lille"},
		{"ASCII untouched", "59000", "59000"},
		{"Arabic letters untouched", "مريم", "مريم"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ASCIIDigits(c.in); got != c.want {
				t.Errorf("ASCIIDigits(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
