package check

import "testing"

func TestPostcode(t *testing.T) {
	cases := []struct {
		name, country, in string
		ok                bool
	}{
		{"Lille", "FR", "59000", true},
		{"Ajaccio", "FR", "20000", true},
		{"Cayenne", "FR", "97300", true},
		{"Ain", "FR", "01000", true},
		{"Malawi", "MW", "207", true},
		{"Belgium", "BE", "1000", true},
		{"United Kingdom", "GB", "SW1A 1AA", true},
		{"with a dash", "PT", "1000-001", true},

		{"no département 00", "FR", "00100", false},
		{"no département 99", "FR", "99000", false},
		{"four digits in France", "FR", "5900", false},
		{"letters in France", "FR", "59ABC", false},
		{"space in France", "FR", "59 000", false},
		{"Arabic-Indic digits in France", "FR", "٥٩٠٠٠", false},
		{"empty", "FR", "", false},
		{"one character abroad", "MW", "2", false},
		{"too long abroad", "GB", "SW1A 1AA 1234", false},
		{"starting with a dash", "BE", "-1000", false},
		{"empty abroad", "MW", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Postcode(c.country, c.in); got != c.ok {
				t.Errorf("Postcode(%s, %q) = %v", c.country, c.in, got)
			}
		})
	}
}

func TestAnyPostcode(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"French", "59000", "59000"},
		{"Belgian", "1000", "1000"},
		{"three digits", "207", "207"},
		{"Arabic-Indic digits", "٥٩٠٠٠", "59000"},
		{"Persian digits", "۵۹۰۰۰", "59000"},

		{"two digits", "59", ""},
		{"eleven digits", "12345678901", ""},
		{"a town", "Dzaleka", ""},
		{"letters", "SW1A", ""},
		{"space inside", "59 000", ""},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := AnyPostcode(c.in)
			if got != c.want || ok != (c.want != "") {
				t.Errorf("AnyPostcode(%q) = %q, %v; want %q", c.in, got, ok, c.want)
			}
		})
	}
}
