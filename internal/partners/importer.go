package partners

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
)

// MaxImportRows is the most rows one list may have; a longer one is refused as a
// whole, with a message, rather than imported in part.
const MaxImportRows = 10000

// BatchLifetime is how long an uploaded list waits for its confirmation.
const BatchLifetime = 2 * time.Hour

// Row is one person of an imported list, as read and checked.
type Row struct {
	Line          int      `json:"line"` // in the file, the header being line 1 (for a spreadsheet, its row number)
	FirstName     string   `json:"first_name"`
	LastName      string   `json:"last_name"`
	Phone         string   `json:"phone"` // as written
	E164          string   `json:"e164"`  // normalised, when valid
	Email         string   `json:"email,omitempty"`
	BirthYear     int      `json:"birth_year,omitempty"`
	Postcode      string   `json:"postcode,omitempty"`
	Town          string   `json:"town,omitempty"`
	Errors        []string `json:"errors,omitempty"`    // catalog keys
	Duplicate     int64    `json:"duplicate,omitempty"` // an existing file likely the same person
	DuplicateName string   `json:"duplicate_name,omitempty"`
	SameAs        int      `json:"same_as,omitempty"`  // an earlier line of the list, likely the same person
	Excluded      bool     `json:"excluded,omitempty"` // left out by staff in the preview (a repeated line is, at first)
}

// Valid reports whether the row can be written.
func (r *Row) Valid() bool { return len(r.Errors) == 0 }

// Kept reports whether the row will be written: valid and not left out.
func (r *Row) Kept() bool { return r.Valid() && !r.Excluded }

// Where is the postcode and town.
func (r *Row) Where() string { return strings.TrimSpace(r.Postcode + " " + r.Town) }

// Sheet is a parsed list: its rows, or what makes the whole file unusable.
type Sheet struct {
	Rows      []*Row
	FileError string   // catalog key, when the file cannot be used at all
	Missing   []string // the columns not found (catalog keys of the column names)
	Encoding  string   // utf-8, utf-16, windows-1252, xlsx
	Separator string   // for a CSV file: ",", ";" or "tab"
}

// Valid counts the rows that can be written.
func (s *Sheet) Valid() int {
	n := 0
	for _, r := range s.Rows {
		if r.Valid() {
			n++
		}
	}
	return n
}

// Column names people write in their lists, folded by learners.NameKey.
var columnNames = map[string][]string{
	"first_name": {"prenom", "prenoms", "firstname", "first", "givenname", "forename"},
	"last_name":  {"nom", "nomdefamille", "nomdenaissance", "lastname", "last", "surname", "familyname", "name"},
	"phone":      {"telephone", "tel", "telportable", "portable", "mobile", "phone", "phonenumber", "mobilephone", "numerodetelephone", "numero", "gsm"},
	"birth_year": {"anneedenaissance", "annee", "naissance", "datedenaissance", "ddn", "birthyear", "yearofbirth", "birthdate", "dateofbirth", "dob"},
	"email":      {"email", "mail", "courriel", "adressemail", "adresseemail", "emailaddress"},
	"postcode":   {"codepostal", "cp", "postcode", "postalcode", "zip", "zipcode"},
	"town": {"ville", "commune", "town", "city", "localite", "lieu", "lieuderesidence", "adresse", "address",
		// The column the help text names: "code postal ou ville".
		"codepostalouville", "villeoucodepostal", "cpouville", "villeoucp", "postcodeortown", "townorpostcode",
		"postcodeorcity", "cityorpostcode", "postalcodeortown", "postalcodeorcity"},
}

// RequiredColumns are the columns a list must have: what registration asks for.
var RequiredColumns = []string{"first_name", "last_name", "phone", "birth_year"}

func columnOf(header string) string {
	key := learners.NameKey(header)
	for col, names := range columnNames {
		for _, n := range names {
			if key == n {
				return col
			}
		}
	}
	return ""
}

// decodeText returns the text of a CSV file as UTF-8: UTF-8 with or without BOM,
// UTF-16 with a BOM (Excel's "Unicode text"), else Windows-1252 (Excel's "CSV" on
// a French Windows).
func decodeText(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return string(data[3:]), "utf-8", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(data)
		return string(b), "utf-16", err
	case utf8.Valid(data):
		return string(data), "utf-8", nil
	}
	b, err := charmap.Windows1252.NewDecoder().Bytes(data)
	return string(b), "windows-1252", err
}

// separator guesses the CSV separator from the first line that is not empty: the
// most frequent of ; , and tab outside quotes.
func separator(text string) rune {
	line := text
	for l := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(l) != "" {
			line = l
			break
		}
	}
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// records reads every line of the file as cells: a spreadsheet's first sheet, or
// a CSV file in any of the encodings and separators people send.
func records(data []byte, s *Sheet) ([][]string, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		s.Encoding = "xlsx"
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, errors.New("no sheet")
		}
		return f.GetRows(sheets[0])
	}
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	s.Encoding = enc
	sep := separator(text)
	s.Separator = map[rune]string{',': ",", ';': ";", '\t': "tab"}[sep]
	r := csv.NewReader(strings.NewReader(text))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = sep, -1, true
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		// Blank lines are skipped by the reader; keep line numbers right by
		// padding with empty records up to the record's first line.
		line, _ := r.FieldPos(0)
		for len(out) < line-1 {
			out = append(out, nil)
		}
		out = append(out, rec)
	}
}

var yearIn = regexp.MustCompile(`(?:^|\D)((?:19|20)\d\d)(?:\D|$)`)

// birthYear reads a year, or the year of a date (12/03/1990, 1990-03-12).
func birthYear(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if m := yearIn.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y, true
	}
	return 0, false
}

// Parse reads a list of people (CSV or XLSX) for an antenna in country, checks
// each row as registration would, and flags rows that repeat an earlier one. It
// never fails on bad content: what is wrong is in the Sheet.
func Parse(data []byte, country string, now time.Time) *Sheet {
	s := &Sheet{}
	recs, err := records(data, s)
	if err != nil {
		s.FileError = "partner.import.unreadable"
		return s
	}
	head := -1
	for i, rec := range recs {
		if !blank(rec) {
			head = i
			break
		}
	}
	if head < 0 {
		s.FileError = "partner.import.empty"
		return s
	}
	cols := map[string]int{}
	for i, h := range recs[head] {
		if c := columnOf(h); c != "" {
			if _, seen := cols[c]; !seen {
				cols[c] = i
			}
		}
	}
	for _, c := range RequiredColumns {
		if _, ok := cols[c]; !ok {
			s.Missing = append(s.Missing, "partner.column."+c)
		}
	}
	_, pc := cols["postcode"]
	_, town := cols["town"]
	if !pc && !town {
		s.Missing = append(s.Missing, "partner.column.where")
	}
	if len(s.Missing) > 0 {
		s.FileError = "partner.import.columns"
		return s
	}
	cell := func(rec []string, col string) string {
		i, ok := cols[col]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	seen := map[string]int{}
	for i := head + 1; i < len(recs); i++ {
		rec := recs[i]
		if blank(rec) {
			continue
		}
		if len(s.Rows) == MaxImportRows {
			s.Rows, s.FileError = nil, "partner.import.too_many"
			return s
		}
		r := &Row{Line: i + 1, FirstName: cell(rec, "first_name"), LastName: cell(rec, "last_name"), Phone: cell(rec, "phone"),
			Email: auth.NormalizeEmail(cell(rec, "email")), Postcode: cell(rec, "postcode"), Town: cell(rec, "town")}
		// "Postcode or town", as the help says: a town in the postcode column is
		// a town, and "59000 Lille" in either column is both.
		if pc, ok := check.AnyPostcode(r.Postcode); ok {
			r.Postcode = pc
		} else if r.Postcode != "" {
			r.Postcode, r.Town = "", strings.TrimSpace(r.Postcode+" "+r.Town)
		}
		if r.Postcode == "" && r.Town != "" {
			r.Postcode, r.Town = learners.SplitWhere(r.Town)
		}
		checkRow(r, cell(rec, "birth_year"), country, now)
		if r.Valid() {
			for _, key := range rowKeys(r) {
				if line, ok := seen[key]; ok && r.SameAs == 0 {
					r.SameAs = line
				}
				seen[key] = r.Line
			}
			// A line repeating an earlier one is left out until staff keep it.
			r.Excluded = r.SameAs != 0
		}
		s.Rows = append(s.Rows, r)
	}
	if len(s.Rows) == 0 {
		s.FileError = "partner.import.empty"
	}
	return s
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// rowKeys are what makes two rows likely the same person: the phone, or the names
// (in either order) with the birth year — the rule of registration.
func rowKeys(r *Row) []string {
	a, b := learners.NameKey(r.FirstName), learners.NameKey(r.LastName)
	if a > b {
		a, b = b, a
	}
	return []string{"p:" + r.E164, "n:" + a + "|" + b + "|" + strconv.Itoa(r.BirthYear)}
}

// checkRow checks a row as the registration form checks a person.
func checkRow(r *Row, year, country string, now time.Time) {
	fail := func(key string) { r.Errors = append(r.Errors, key) }
	if r.FirstName == "" {
		fail("partner.row.first_name_missing")
	} else if utf8.RuneCountInString(r.FirstName) > 100 {
		fail("partner.row.first_name_long")
	}
	if r.LastName == "" {
		fail("partner.row.last_name_missing")
	} else if utf8.RuneCountInString(r.LastName) > 100 {
		fail("partner.row.last_name_long")
	}
	if r.Phone == "" {
		fail("partner.row.phone_missing")
	} else if n, ok := check.Phone(country, r.Phone); ok {
		r.E164 = n
	} else {
		fail("partner.row.phone_invalid")
	}
	if year == "" {
		fail("partner.row.birth_year_missing")
	} else if y, ok := birthYear(year); !ok || y < learners.OldestBirthYear || y > now.Year() {
		fail("partner.row.birth_year_invalid")
	} else if now.Year()-y < learners.MinAge {
		fail("partner.row.birth_year_young")
	} else {
		r.BirthYear = y
	}
	if _, ok := check.Email(r.Email); r.Email != "" && (!ok || len(r.Email) > 200) {
		fail("partner.row.email_invalid")
	}
	if r.Postcode == "" && r.Town == "" {
		fail("partner.row.where_missing")
	} else if _, ok := check.AnyPostcode(r.Postcode); r.Postcode != "" && !ok {
		fail("partner.row.postcode_invalid")
	} else if utf8.RuneCountInString(r.Town) > 100 {
		fail("partner.row.where_long")
	}
}

// Learner is the row as a new file of antennaID.
func (r *Row) Learner(antennaID int64) *learners.Learner {
	return &learners.Learner{AntennaID: antennaID, FirstName: r.FirstName, LastName: r.LastName, Phone: r.E164,
		Email: r.Email, BirthYear: r.BirthYear, Postcode: r.Postcode, Town: r.Town}
}

// FlagDuplicates marks the valid rows likely the same person as an existing file
// of the antenna, by the rule registration uses (learners.LikelyDuplicates).
func FlagDuplicates(ctx context.Context, d *db.DB, s *Sheet, antennaID int64) error {
	var rows []*Row
	var people []*learners.Learner
	for _, r := range s.Rows {
		if r.Valid() {
			rows, people = append(rows, r), append(people, r.Learner(antennaID))
		}
	}
	if len(people) == 0 {
		return nil
	}
	ids, err := learners.LikelyDuplicates(ctx, d, antennaID, people)
	if err != nil {
		return err
	}
	for i, r := range rows {
		r.Duplicate = ids[i]
	}
	return nil
}

// Batch is a parsed list waiting for staff to confirm it.
type Batch struct {
	ID          int64
	OrgID       int64
	StaffID     int64
	AntennaID   int64
	ProgrammeID int64
	ContactID   int64
	Filename    string
	Rows        []*Row
	CreatedAt   time.Time
	ExpiresAt   time.Time
	ConfirmedAt time.Time
	ReferralID  int64
}

// Valid counts the rows that can be written.
func (b *Batch) Valid() int { return (&Sheet{Rows: b.Rows}).Valid() }

// Kept counts the rows that will be written.
func (b *Batch) Kept() int {
	n := 0
	for _, r := range b.Rows {
		if r.Kept() {
			n++
		}
	}
	return n
}

// SetKept records which of the lines shown in the preview staff keep: each valid
// row of shown is kept when in keep, left out otherwise; the other rows are left
// as they were. Only the list's owner may, and only before it is written.
func SetKept(ctx context.Context, d *db.DB, b *Batch, shown, keep []int) error {
	in := func(list []int, n int) bool {
		for _, x := range list {
			if x == n {
				return true
			}
		}
		return false
	}
	for _, r := range b.Rows {
		if r.Valid() && in(shown, r.Line) {
			r.Excluded = !in(keep, r.Line)
		}
	}
	rows, err := json.Marshal(b.Rows)
	if err != nil {
		return err
	}
	res, err := d.Exec(ctx, "UPDATE import_batches SET rows_json = $1 WHERE id = $2 AND staff_id = $3 AND confirmed_at = '' AND expires_at > $4",
		string(rows), b.ID, b.StaffID, db.Now())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrBatchDone
	}
	return nil
}

// SaveBatch stores a parsed list for its owner, and forgets expired ones.
func SaveBatch(ctx context.Context, d *db.DB, b *Batch) error {
	rows, err := json.Marshal(b.Rows)
	if err != nil {
		return err
	}
	now := time.Now()
	b.CreatedAt, b.ExpiresAt = now, now.Add(BatchLifetime)
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM import_batches WHERE confirmed_at = '' AND expires_at < $1", db.FormatTime(now)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO import_batches (org_id, staff_id, antenna_id, programme_id, contact_id, filename,
			rows_json, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			b.OrgID, b.StaffID, b.AntennaID, db.NullID(b.ProgrammeID), db.NullID(b.ContactID), b.Filename, string(rows),
			db.FormatTime(b.CreatedAt), db.FormatTime(b.ExpiresAt)).Scan(&b.ID)
	})
}

// BatchByID returns a list uploaded by staffID, confirmed or not, until it expires;
// anyone else's is db.ErrNotFound.
func BatchByID(ctx context.Context, d *db.DB, staffID, id int64) (*Batch, error) {
	var b Batch
	var rows, created, expires, confirmed string
	err := d.QueryRowContext(ctx, `SELECT id, org_id, staff_id, antenna_id, COALESCE(programme_id, 0), COALESCE(contact_id, 0), filename,
		rows_json, created_at, expires_at, confirmed_at, COALESCE(referral_id, 0) FROM import_batches
		WHERE id = $1 AND staff_id = $2 AND (confirmed_at <> '' OR expires_at > $3)`, id, staffID, db.Now()).Scan(
		&b.ID, &b.OrgID, &b.StaffID, &b.AntennaID, &b.ProgrammeID, &b.ContactID, &b.Filename, &rows, &created, &expires, &confirmed, &b.ReferralID)
	if err != nil {
		return nil, db.NotFound(err)
	}
	if err := json.Unmarshal([]byte(rows), &b.Rows); err != nil {
		return nil, err
	}
	b.CreatedAt, b.ExpiresAt, b.ConfirmedAt = db.ParseTime(created), db.ParseTime(expires), db.ParseTime(confirmed)
	return &b, nil
}

// ErrBatchDone is returned when confirming a list already written or expired.
var ErrBatchDone = errors.New("import already confirmed or expired")

// ConfirmBatch writes every kept row of the list as one referral, in one
// transaction: all of them or none; a second confirmation writes nothing. A row
// likely the same person as a file of the antenna is linked to that file.
func ConfirmBatch(ctx context.Context, d *db.DB, b *Batch, consentText string) (*Referral, error) {
	ref := &Referral{OrgID: b.OrgID, ContactID: b.ContactID, StaffID: b.StaffID, AntennaID: b.AntennaID,
		ProgrammeID: b.ProgrammeID, Source: "import", CreatedAt: time.Now()}
	var people []*learners.Learner
	for _, r := range b.Rows {
		if r.Kept() {
			l := r.Learner(b.AntennaID)
			l.ConsentText, l.Lang = consentText, "fr"
			people = append(people, l)
		}
	}
	if len(people) == 0 {
		return nil, ErrBatchDone
	}
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, "UPDATE import_batches SET confirmed_at = $1 WHERE id = $2 AND staff_id = $3 AND confirmed_at = '' AND expires_at > $1",
			now, b.ID, b.StaffID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrBatchDone
		}
		if err := createReferral(ctx, tx, ref, people); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE import_batches SET referral_id = $1 WHERE id = $2", ref.ID, b.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ref, nil
}
