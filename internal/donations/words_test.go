package donations

import "testing"

// Written by hand from the rules of French spelling, as a receipt must say them.
func TestWords(t *testing.T) {
	for _, c := range []struct {
		cents int64
		want  string
	}{
		{0, "zéro euro"},
		{100, "un euro"},
		{2100, "vingt et un euros"},
		{7100, "soixante et onze euros"},
		{7700, "soixante-dix-sept euros"},
		{8000, "quatre-vingts euros"},
		{8100, "quatre-vingt-un euros"},
		{9100, "quatre-vingt-onze euros"},
		{9900, "quatre-vingt-dix-neuf euros"},
		{10000, "cent euros"},
		{10100, "cent un euros"},
		{20000, "deux cents euros"},
		{20100, "deux cent un euros"},
		{28000, "deux cent quatre-vingts euros"},
		{100000, "mille euros"},
		{200000, "deux mille euros"},
		{2100000, "vingt et un mille euros"},
		{8000000, "quatre-vingt mille euros"},
		{20000000, "deux cent mille euros"},
		{30000100, "trois cent mille un euros"},
		{100000000, "un million d'euros"},
		{200000000, "deux millions d'euros"},
		{20000000000, "deux cents millions d'euros"},
		{200008000, "deux millions quatre-vingts euros"},
		{100000100, "un million un euros"},
		{123456, "mille deux cent trente-quatre euros et cinquante-six centimes"},
		{101, "un euro et un centime"},
		{80, "quatre-vingts centimes"},
		{5, "cinq centimes"},
		{2000071, "vingt mille euros et soixante et onze centimes"},
	} {
		if got := Words(c.cents); got != c.want {
			t.Errorf("Words(%d) = %q, want %q", c.cents, got, c.want)
		}
	}
}
