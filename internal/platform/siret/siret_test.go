package siret

import (
	"strconv"
	"testing"
)

// withCheckDigit appends the digit that makes base pass Luhn. It is written
// independently of luhn (it works left to right on the final length) so the
// tests do not just compare the implementation with itself.
func withCheckDigit(base string) string {
	n := len(base) + 1
	sum := 0
	for i, c := range base {
		d := int(c - '0')
		// Position counted from the right in the final number; the check
		// digit is position 0, so doubled positions are the odd ones.
		if (n-1-i)%2 == 1 {
			d = d*2/10 + d*2%10
		}
		sum += d
	}
	return base + strconv.Itoa((10-sum%10)%10)
}

func TestValidSIRET(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"73282932000074", true},                   // public, widely used example
		{"732 829 320 00074", true},                // grouped as printed on invoices
		{"35600000000048", true},                   // La Poste head office (Luhn-valid)
		{"356 000 000 00048", true},                // idem, grouped
		{"356\u00a0000\u00a0000\u202f00048", true}, // French typography spaces
		{"35600000000001", true},                   // La Poste rule: digit sum 15, fails Luhn
		{withCheckDigit("4432106000001"), true},
		{"73282932000075", false}, // bad check digit
		{"73282932000047", false}, // swapped adjacent digits
		{"35600000000002", false}, // La Poste, digit sum 16, fails Luhn
		{"7328293200007", false},  // 13 digits
		{"732829320000740", false},
		{"732829320", false}, // a SIREN is not a SIRET
		{"7328293200007A", false},
		{"73282932O00074", false}, // letter O instead of zero
		{"732-829-320-00074", false},
		{"７３２８２９３２０００７４", false}, // full-width digits
		{"", false},
		{"              ", false},
		{"00000000000000", true}, // passes Luhn; shape-only validation accepts it
	}
	for _, tt := range tests {
		if got := ValidSIRET(tt.in); got != tt.want {
			t.Errorf("ValidSIRET(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	// Make sure the La Poste case really exercises the special rule.
	if luhn("35600000000001") {
		t.Fatal("test number 35600000000001 unexpectedly passes Luhn")
	}
}

func TestValidSIREN(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"732829320", true},
		{"732 829 320", true},
		{"356000000", true}, // La Poste
		{"552100554", true}, // another Luhn-valid SIREN
		{withCheckDigit("12345678"), true},
		{"732829321", false},
		{"73282932", false},
		{"7328293200", false},
		{"73282932A", false},
		{"73282932000074", false}, // a SIRET is not a SIREN
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidSIREN(tt.in); got != tt.want {
			t.Errorf("ValidSIREN(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// Luhn detects every single-digit error, so altering any one digit of a
// valid number must make it invalid (La Poste numbers excluded: their rule
// is weaker).
func TestSingleDigitErrorsDetected(t *testing.T) {
	for _, base := range []string{"73282932", "12345678", "98765432", "55210055"} {
		siren := withCheckDigit(base)
		siret := withCheckDigit(siren + "0001")
		for _, tc := range []struct {
			s     string
			valid func(string) bool
		}{{siren, ValidSIREN}, {siret, ValidSIRET}} {
			if !tc.valid(tc.s) {
				t.Fatalf("generated %q is not valid", tc.s)
			}
			for i := range len(tc.s) {
				for d := byte('0'); d <= '9'; d++ {
					if d == tc.s[i] {
						continue
					}
					bad := tc.s[:i] + string(d) + tc.s[i+1:]
					if tc.valid(bad) {
						t.Errorf("%q (one digit changed from %q) accepted", bad, tc.s)
					}
				}
			}
		}
	}
}

func TestValidRNA(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"W595012345", true},
		{"w595012345", true},
		{"W 595 012 345", true},
		{" W751234567 ", true},
		{"W59501234", false},   // 8 digits
		{"W5950123456", false}, // 10 digits
		{"X595012345", false},
		{"595012345", false},
		{"W59501234A", false},
		{"WW59501234", false},
		{"W", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidRNA(tt.in); got != tt.want {
			t.Errorf("ValidRNA(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{" w595 012\t345 ", "W595012345"},
		{"732 829 320 00074", "73282932000074"},
		{"356\u00a0000\u00a0000", "356000000"},
		{"abc", "ABC"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKind(t *testing.T) {
	tests := []struct{ in, want string }{
		{"73282932000074", "siret"},
		{"732 829 320 00074", "siret"},
		{"35600000000001", "siret"},
		{"732829320", "siren"},
		{"732 829 320", "siren"},
		{"W595012345", "rna"},
		{"w 595 012 345", "rna"},
		{"73282932000075", ""}, // right shape, bad checksum
		{"732829321", ""},
		{"W59501234", ""},
		{"hello", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Kind(tt.in); got != tt.want {
			t.Errorf("Kind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
