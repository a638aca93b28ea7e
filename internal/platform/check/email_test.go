package check

import "testing"

func TestEmail(t *testing.T) {
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"plain", "a@b.co", "a@b.co", true},
		{"shortest with a dot", "a@b.c", "a@b.c", true},
		{"dots and plus", "jean.dupont+cours@gmail.com", "jean.dupont+cours@gmail.com", true},
		{"apostrophe", "o'brien@example.ie", "o'brien@example.ie", true},
		{"hyphen and underscore", "fatima_z@cada-lille.example.org", "fatima_z@cada-lille.example.org", true},
		{"uppercase is lowered", "Rania.B@Example.ORG", "rania.b@example.org", true},
		{"spaces around are dropped", "  rania@example.org \t", "rania@example.org", true},
		{"no-break spaces around are dropped", "\u00a0rania@example.org\u00a0", "rania@example.org", true},
		{"Arabic local part", "مريم@example.org", "مريم@example.org", true},
		{"accented domain", "chloe@exämple.fr", "chloe@exämple.fr", true},
		{"digits in the domain", "a@b.123", "a@b.123", true},

		{"empty", "", "", false},
		{"no at", "rania.example.org", "rania.example.org", false},
		{"nothing before the at", "@example.org", "@example.org", false},
		{"nothing after the at", "chloe@", "chloe@", false},
		{"no dot in the domain", "rania@localhost", "rania@localhost", false},
		{"two ats", "a@b@example.org", "a@b@example.org", false},
		{"display name", "Rania <rania@example.org>", "rania <rania@example.org>", false},
		{"display name without a space", "Rania<rania@example.org>", "rania<rania@example.org>", false},
		{"angle brackets", "<rania@example.org>", "<rania@example.org>", false},
		{"comment", "rania@example.org (home)", "rania@example.org (home)", false},
		{"quoted local part", `"rania"@example.org`, `"rania"@example.org`, false},
		{"space inside", "rania b@example.org", "rania b@example.org", false},
		{"no-break space inside", "rania\u00a0b@example.org", "rania\u00a0b@example.org", false},
		{"zero-width space inside", "rania\u200bb@example.org", "rania\u200bb@example.org", false},
		{"tab inside", "rania\tb@example.org", "rania\tb@example.org", false},
		{"two dots in a row", "rania..b@example.org", "rania..b@example.org", false},
		{"dot at the start", ".rania@example.org", ".rania@example.org", false},
		{"doubled dot in the domain", "rania@example..org", "rania@example..org", false},
		{"dot ending the domain", "rania@example.org.", "rania@example.org.", false},
		{"comma", "rania,b@example.org", "rania,b@example.org", false},
		{"two addresses", "a@example.org, b@example.org", "a@example.org, b@example.org", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Email(c.in)
			if got != c.want || ok != c.ok {
				t.Errorf("Email(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}
