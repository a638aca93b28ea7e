package partners_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"tremplin/internal/partners"
)

var now = time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)

func windows1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// xlsxFile writes rows with excelize, as a partner's spreadsheet would be.
func xlsxFile(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func names(s *partners.Sheet) []string {
	var out []string
	for _, r := range s.Rows {
		out = append(out, r.FirstName+" "+r.LastName)
	}
	return out
}

func errorsAt(s *partners.Sheet) map[int][]string {
	out := map[int][]string{}
	for _, r := range s.Rows {
		if !r.Valid() {
			out[r.Line] = r.Errors
		}
	}
	return out
}

// The same list, as people send it: commas in UTF-8, semicolons in Windows-1252
// from Excel on a French Windows, UTF-8 with a BOM, tabs in UTF-16, with empty
// lines and the columns named and ordered differently.
func TestParseReadsTheEncodingsAndSeparatorsPeopleSend(t *testing.T) {
	want := []string{"Hélène Dupré", "Noël Bézier", "François Çelik"}
	cases := map[string][]byte{
		"utf-8 commas": []byte("Prénom,Nom,Téléphone,Année de naissance,Code postal,Ville\n" +
			"Hélène,Dupré,06 12 34 56 78,1990,59000,Lille\n\n" +
			"Noël,Bézier,0612345679,1985,59100,Roubaix\n" +
			"François,Çelik,+33 6 12 34 56 80,2001,59000,Lille\n"),
		"windows-1252 semicolons": windows1252(t, "NOM;PRÉNOM;TÉL;Date de naissance;Ville\r\n"+
			"Dupré;Hélène;06 12 34 56 78;12/03/1990;59000 Lille\r\n"+
			";;;;\r\n"+
			"Bézier;Noël;0612345679;1985-01-02;59100 Roubaix\r\n"+
			"Çelik;François;+33 6 12 34 56 80;2001;Lille\r\n"),
		"utf-8 bom": append([]byte{0xEF, 0xBB, 0xBF}, []byte("first name,last name,phone,birth year,postcode\n"+
			"Hélène,Dupré,06 12 34 56 78,1990,59000\nNoël,Bézier,0612345679,1985,59100\nFrançois,Çelik,+33612345680,2001,59000\n")...),
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(
		"Prénom\tNom\tPortable\tAnnée de naissance\tCP\n\nHélène\tDupré\t0612345678\t1990\t59000\nNoël\tBézier\t0612345679\t1985\t59100\nFrançois\tÇelik\t0612345680\t2001\t59000\n"))
	if err != nil {
		t.Fatal(err)
	}
	cases["utf-16 tabs"] = utf16
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			s := partners.Parse(data, "FR", now)
			if s.FileError != "" {
				t.Fatalf("file refused: %s %v", s.FileError, s.Missing)
			}
			if got := names(s); !slices.Equal(got, want) {
				t.Fatalf("names %q, want %q", got, want)
			}
			if e := errorsAt(s); len(e) != 0 {
				t.Fatalf("errors on valid rows: %v", e)
			}
			if s.Rows[0].E164 != "+33612345678" || s.Rows[0].BirthYear != 1990 {
				t.Errorf("first row: %+v", s.Rows[0])
			}
		})
	}
}

// Each bad row gets its own message, at its line in the file; good rows around
// it are kept; rows repeating an earlier one are pointed out.
func TestParseExplainsEachBadRowByLine(t *testing.T) {
	data := []byte("prenom;nom;telephone;annee de naissance;ville;email\n" +
		"Amina;Haddad;06 12 34 56 01;1994;Lille;\n" + // 2: good
		";Haddad;06 12 34 56 02;1994;Lille;\n" + // 3: no first name
		"Yonas;Tesfaye;12;1996;Lille;\n" + // 4: bad phone
		"Kevin;Lemaire;06 12 34 56 04;2020;Lille;\n" + // 5: too young
		"Chloé;Vandamme;06 12 34 56 05;18xx;;chloe@\n" + // 6: year, where, email
		"\n" + // 7: empty
		"Amina;HADDAD;07 81 00 00 09;1994;Lille;\n") // 8: same as line 2
	s := partners.Parse(data, "FR", now)
	if s.FileError != "" {
		t.Fatal(s.FileError)
	}
	got := errorsAt(s)
	want := map[int][]string{
		3: {"partner.row.first_name_missing"},
		4: {"partner.row.phone_invalid"},
		5: {"partner.row.birth_year_young"},
		6: {"partner.row.birth_year_invalid", "partner.row.email_invalid", "partner.row.where_missing"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("errors by line:\n got %v\nwant %v", got, want)
	}
	if s.Valid() != 2 || len(s.Rows) != 6 {
		t.Errorf("%d rows, %d valid; want 6 and 2", len(s.Rows), s.Valid())
	}
	if last := s.Rows[len(s.Rows)-1]; last.Line != 8 || last.SameAs != 2 {
		t.Errorf("line 8: line %d, same as %d; want same as line 2", last.Line, last.SameAs)
	}
}

func TestParseRefusesFilesItCannotUse(t *testing.T) {
	cases := map[string]struct {
		data    []byte
		want    string
		missing []string
	}{
		"wrong columns": {[]byte("name,age,city\nAmina,30,Lille\n"), "partner.import.columns",
			[]string{"partner.column.first_name", "partner.column.phone", "partner.column.birth_year"}},
		"empty":          {[]byte("\n\n  \n"), "partner.import.empty", nil},
		"header only":    {[]byte("prénom;nom;tél;année;ville\n;;;;\n"), "partner.import.empty", nil},
		"not a list":     {[]byte("PK\x03\x04 this is no spreadsheet"), "partner.import.unreadable", nil},
		"binary garbage": {[]byte{0x00, 0xff, 0xfe, 0x00, 0x01}, "partner.import.columns", nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			s := partners.Parse(c.data, "FR", now)
			if s.FileError != c.want {
				t.Fatalf("file error %q, want %q", s.FileError, c.want)
			}
			if c.missing != nil && !slices.Equal(s.Missing, c.missing) {
				t.Errorf("missing %q, want %q", s.Missing, c.missing)
			}
		})
	}
	// One row too many refuses the whole list rather than importing part of it.
	var b strings.Builder
	b.WriteString("prénom,nom,téléphone,année,ville\n")
	for i := range partners.MaxImportRows + 1 {
		fmt.Fprintf(&b, "P%d,N%d,06%08d,1990,Lille\n", i, i, i)
	}
	if s := partners.Parse([]byte(b.String()), "FR", now); s.FileError != "partner.import.too_many" || len(s.Rows) != 0 {
		t.Errorf("10,001 rows: %q with %d rows", s.FileError, len(s.Rows))
	}
}

func TestParseReadsASpreadsheet(t *testing.T) {
	data := xlsxFile(t, [][]any{
		{"Nom", "Prénom", "Téléphone", "Date de naissance", "Code postal", "Ville", "Courriel"},
		{"Dupré", "Hélène", "06 12 34 56 78", "12/03/1990", "59000", "Lille", "helene@example.org"},
		{},
		{"Bézier", "Noël", 612345679, 1985, 59100, "Roubaix", ""},
		{"Çelik", "", "0612345680", 2001, 59000, "Lille", ""},
	})
	s := partners.Parse(data, "FR", now)
	if s.FileError != "" || s.Encoding != "xlsx" {
		t.Fatalf("file refused: %q (%s)", s.FileError, s.Encoding)
	}
	if got := names(s); !slices.Equal(got, []string{"Hélène Dupré", "Noël Bézier", " Çelik"}) {
		t.Fatalf("names %q", got)
	}
	if r := s.Rows[1]; r.Line != 4 || !r.Valid() || r.E164 != "+33612345679" || r.BirthYear != 1985 || r.Where() != "59100 Roubaix" {
		t.Errorf("row with numbers in cells: %+v", r)
	}
	if e := errorsAt(s); len(e) != 1 || !slices.Equal(e[5], []string{"partner.row.first_name_missing"}) {
		t.Errorf("errors: %v", e)
	}
}

// Ten thousand rows parse in well under a second and nothing breaks.
func TestParseTenThousandRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("prénom;nom;téléphone;année de naissance;ville\n")
	for i := range partners.MaxImportRows {
		fmt.Fprintf(&b, "Prénom%d;Nom%d;06%08d;%d;59000 Lille\n", i, i, i, 1950+i%50)
	}
	start := time.Now()
	s := partners.Parse(windows1252(t, b.String()), "FR", now)
	t.Logf("parsed %d rows in %v", len(s.Rows), time.Since(start))
	if s.FileError != "" || len(s.Rows) != partners.MaxImportRows || s.Valid() != partners.MaxImportRows {
		t.Fatalf("%q: %d rows, %d valid", s.FileError, len(s.Rows), s.Valid())
	}
}
