package check

import "testing"

func TestPhone(t *testing.T) {
	cases := []struct {
		name, country, in, want string
	}{
		{"French mobile", "FR", "06 12 34 56 78", "+33612345678"},
		{"dots", "FR", "06.12.34.56.78", "+33612345678"},
		{"international", "FR", "+33 6 12 34 56 78", "+33612345678"},
		{"bracketed trunk 0", "FR", "+33 (0)6 12 34 56 78", "+33612345678"},
		{"00 for +", "FR", "0033612345678", "+33612345678"},
		{"Arabic-Indic digits", "FR", "٠٦١٢٣٤٥٦٧٨", "+33612345678"},
		{"Malawian national", "MW", "0991 23 45 67", "+265991234567"},
		{"Malawian without its 0", "MW", "991 234 567", "+265991234567"},
		{"Malawian international", "MW", "+265 991 23 45 67", "+265991234567"},
		{"Malawian number in Lille", "FR", "+265 991 23 45 67", "+265991234567"},
		{"British number in Lille", "FR", "+44 7911 123456", "+447911123456"},
		{"spaces around", "FR", "  06 12 34 56 78\u00a0", "+33612345678"},
		{"trunk 0 kept after +33", "FR", "+33 06 12 34 56 78", "+33612345678"},
		{"trunk 0 kept after 0033", "FR", "0033 06 12 34 56 78", "+33612345678"},
		{"Belgian trunk 0 kept", "FR", "+32 0470 12 34 56", "+32470123456"},
		{"Arabic-Indic after +33", "FR", "+33 ٠٦ ١٢ ٣٤ ٥٦ ٧٨", "+33612345678"},
		{"Persian digits", "FR", "+33 ۰۶ ۱۲ ۳۴ ۵۶ ۷۸", "+33612345678"},
		{"Canadian number", "FR", "+1 514 555 0123", "+15145550123"},

		// Exiles' numbers come from everywhere: each country's plan is known.
		{"Afghan mobile", "FR", "+93 70 123 4567", "+93701234567"},
		{"Afghan mobile, 00 and trunk 0", "FR", "0093 070 123 4567", "+93701234567"},
		{"Afghan mobile in Arabic-Indic digits", "FR", "+٩٣ ٧٠ ١٢٣ ٤٥٦٧", "+93701234567"},
		{"Eritrean mobile", "FR", "+291 7 123 456", "+2917123456"},
		{"Syrian mobile with dashes", "FR", "+963-944-567-890", "+963944567890"},
		{"Syrian mobile in Persian digits", "FR", "۰۰۹۶۳ ۹۴۴ ۵۶۷ ۸۹۰", "+963944567890"},
		{"Sudanese mobile with dots", "FR", "00249.91.123.1234", "+249911231234"},
		{"Ukrainian mobile", "FR", "+380 (50) 123 45 67", "+380501234567"},
		{"Guinean mobile", "FR", "+224 601 12 34 56", "+224601123456"},
		{"Ivorian mobile (ten digits since 2021)", "FR", "+225 07 01 23 45 67", "+2250701234567"},
		{"Bangladeshi mobile with its trunk 0", "FR", "+880 01812-345678", "+8801812345678"},
		{"Malawian landline in Lilongwe", "MW", "01 775 123", "+2651775123"},
		{"Belgian mobile typed in Belgium", "BE", "0470 12 34 56", "+32470123456"},
		{"Ukrainian number typed in Ukraine", "UA", "050 123 45 67", "+380501234567"},
		{"lower-case country", "fr", "06 12 34 56 78", "+33612345678"},

		{"too short", "FR", "06 12 34", ""},
		{"too long", "FR", "06 12 34 56 78 9", ""},
		{"words", "FR", "call me", ""},
		{"letter inside", "FR", "06 12 34 56 7O", ""},
		{"plus inside", "FR", "06+12 34 56 78", ""},
		{"empty", "FR", "", ""},
		{"00 after the calling code", "FR", "+33 00 12 34 56 78", ""},
		{"Tunisia has no trunk 0 to drop", "FR", "+216 020 123 456", ""},
		{"Malawian too short", "MW", "+265 12", ""},
		{"Malawian number out of the plan", "MW", "0551 234 567", ""},
		{"no such calling code", "FR", "+999 123 456 789", ""},
		{"Syrian number a digit short", "FR", "+963 944 567 89", ""},
		{"Afghan number a digit long", "FR", "+93 70 123 45678", ""},
		{"a French number in national form is not Malawian", "MW", "06 12 34 56 78", ""},
		{"unknown country code", "XX", "06 12 34 56 78", ""},
		{"unknown country needs the international form", "", "06 12 34 56 78", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Phone(c.country, c.in)
			if got != c.want || ok != (c.want != "") {
				t.Errorf("Phone(%s, %q) = %q, %v; want %q", c.country, c.in, got, ok, c.want)
			}
		})
	}
}

func TestDialled(t *testing.T) {
	cases := []struct {
		name, in, digits  string
		international, ok bool
	}{
		{"national", "06 12", "0612", false, true},
		{"plus", "+33 6 12", "33612", true, true},
		{"00", "0033 6", "336", true, true},
		{"Arabic-Indic", "٠٦ ١٢", "0612", false, true},
		{"separators", "(06) 12/34-56.78", "0612345678", false, true},
		{"a name", "Rania", "", false, false},
		{"plus inside", "06+12", "", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, intl, ok := Dialled(c.in)
			if d != c.digits || intl != c.international || ok != c.ok {
				t.Errorf("Dialled(%q) = %q, %v, %v; want %q, %v, %v", c.in, d, intl, ok, c.digits, c.international, c.ok)
			}
		})
	}
}

func TestSplitPhone(t *testing.T) {
	cases := []struct {
		name, in, code, national string
	}{
		{"France", "+33612345678", "33", "612345678"},
		{"Malawi", "+265991234567", "265", "991234567"},
		{"Canada", "+15145550123", "1", "5145550123"},
		{"Ivorian ten digits", "+2250701234567", "225", "0701234567"},
		{"no such calling code", "+999123456789", "", ""},
		{"not E.164", "0612345678", "", ""},
		{"trunk 0 left in", "+330612345678", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, national, ok := SplitPhone(c.in)
			if code != c.code || national != c.national || ok != (c.code != "") {
				t.Errorf("SplitPhone(%q) = %q, %q, %v", c.in, code, national, ok)
			}
		})
	}
}

func TestAnyPhone(t *testing.T) {
	cases := []struct {
		name, in, compact string
		ok                bool
	}{
		{"French landline", "03 20 12 34 56", "0320123456", true},
		{"international with brackets", "+33 (0)3.20.12.34.56", "+330320123456", true},
		{"no-break spaces", "03\u00a020\u202f12 34 56", "0320123456", true},
		{"short number", "115115", "115115", true},
		{"fifteen digits", "+123456789012345", "+123456789012345", true},

		{"five digits", "12 345", "12345", false},
		{"sixteen digits", "1234567890123456", "1234567890123456", false},
		{"letters", "03 20 AB", "0320AB", false},
		{"plus inside", "03+20123456", "03+20123456", false},
		{"Arabic-Indic digits are not read here", "٠٣٢٠١٢٣٤٥٦", "٠٣٢٠١٢٣٤٥٦", false},
		{"empty", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			compact, ok := AnyPhone(c.in)
			if compact != c.compact || ok != c.ok {
				t.Errorf("AnyPhone(%q) = %q, %v; want %q, %v", c.in, compact, ok, c.compact, c.ok)
			}
		})
	}
}

func TestMobile(t *testing.T) {
	cases := []struct {
		name, typed   string // as a person types it in Lille (FR) or at Dzaleka (MW)
		country       string
		mobile, known bool
	}{
		{"French 06", "06 12 34 56 78", "FR", true, true},
		{"French 07", "07 81 23 45 67", "FR", true, true},
		{"Lille landline", "03 20 00 00 01", "FR", false, true},
		{"Paris landline", "01 42 00 00 00", "FR", false, true},
		{"internet box", "09 72 00 00 00", "FR", false, true},
		{"special number", "08 00 00 00 00", "FR", false, true},
		{"Airtel Malawi", "0991 23 45 67", "MW", true, true},
		{"Airtel Malawi 098", "0981 23 45 67", "MW", true, true},
		{"TNM", "0888 12 34 56", "MW", true, true},
		{"Malawian landline", "01 775 123", "MW", false, true},
		{"Malawian 021 landline", "0212 345 678", "MW", false, true},
		{"Belgian mobile", "+32 470 12 34 56", "FR", true, true},
		{"Brussels landline", "+32 2 555 12 12", "FR", false, true},
		{"Canada tells no mobile from landline", "+1 514 555 0123", "FR", true, true},
		{"Afghan mobile", "+93 70 123 4567", "FR", true, true},
		{"Kabul landline", "+93 23 456 7890", "FR", false, true},
		{"Eritrean mobile", "+291 7 123 456", "FR", true, true},
		{"Asmara landline", "+291 1 123 456", "FR", false, true},
		{"Syrian mobile", "+963 944 567 890", "FR", true, true},
		{"Damascus landline", "+963 11 234 5678", "FR", false, true},
		{"Sudanese mobile", "+249 91 123 1234", "FR", true, true},
		{"Ukrainian mobile", "+380 50 123 45 67", "FR", true, true},
		{"Kyiv landline", "+380 44 123 45 67", "FR", false, true},
		{"Guinean mobile", "+224 601 12 34 56", "FR", true, true},
		{"Ivorian mobile", "+225 07 01 23 45 67", "FR", true, true},
		{"Abidjan landline", "+225 21 23 45 67 89", "FR", false, true},
		{"Bangladeshi mobile", "+880 1812 345678", "FR", true, true},
		{"French toll-free", "0800 12 34 56", "FR", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e164, ok := Phone(c.country, c.typed)
			if !ok {
				t.Fatalf("Phone(%s, %q) refused it", c.country, c.typed)
			}
			mobile, known := Mobile(e164)
			if mobile != c.mobile || known != c.known {
				t.Errorf("Mobile(%s) = %v, %v; want %v, %v", e164, mobile, known, c.mobile, c.known)
			}
		})
	}
	for _, s := range []string{"", "0612345678", "+33", "+3361234567x", "+336123456", "+33 6 12 34 56 78"} {
		if mobile, known := Mobile(s); mobile || known {
			t.Errorf("Mobile(%q) = %v, %v; want false, false", s, mobile, known)
		}
		if Landline(s) {
			t.Errorf("Landline(%q) = true", s)
		}
	}
	if !Landline("+33320000001") || Landline("+33612345678") || Landline("+15145550123") {
		t.Error("Landline does not follow Mobile")
	}
}

func TestReadablePhone(t *testing.T) {
	cases := map[string]string{
		"+33612345678":  "+33 6 12 34 56 78",
		"+265991234567": "+265 991 23 45 67",
		"+93701234567":  "+93 70 123 4567",
		"+963944567890": "+963 944 567 890",
		"0612345678":    "0612345678",
		"+999123456789": "+999123456789",
	}
	for in, want := range cases {
		if got := ReadablePhone(in); got != want {
			t.Errorf("ReadablePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkMobile(b *testing.B) {
	numbers := []string{"+33612345678", "+33320123456", "+265991234567", "+93701234567", "+963944567890"}
	for i := 0; b.Loop(); i++ {
		Mobile(numbers[i%len(numbers)])
	}
}

func BenchmarkPhone(b *testing.B) {
	for b.Loop() {
		Phone("FR", "06 12 34 56 78")
	}
}
