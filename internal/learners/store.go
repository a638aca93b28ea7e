package learners

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/positioning"
	"tremplin/internal/training"
)

// Statuses of a person's path (DOMAIN.md, "Learner path").
const (
	Received    = "received"
	Contacted   = "contacted"
	Positioned  = "positioned"
	Enrolled    = "enrolled"
	Waitlisted  = "waitlisted"
	Offered     = "offered"
	Oriented    = "oriented"
	NotEligible = "not_eligible"
	InTraining  = "in_training"
	Completed   = "completed"
	Certified   = "certified"
	Dropped     = "dropped"
)

// Statuses lists every status in path order.
var Statuses = []string{Received, Contacted, Positioned, Enrolled, Waitlisted, Offered, Oriented, NotEligible, InTraining, Completed, Certified, Dropped}

// OpenStatuses are the registrations advisers still work on: the inbox.
var OpenStatuses = []string{Received, Contacted, Positioned, Waitlisted, Offered}

// ExitOutcomes are the ways a person leaves training.
var ExitOutcomes = []string{Completed, Certified, Dropped}

// Codes of the registration's answers; the words are in the catalogs.
var (
	LanguageCodes = []string{"fr", "ar", "en", "fa_ps", "ti", "so", "sw", "other"}
	FrenchLevels  = []string{"none", "a_little", "everyday", "fluent"}
	// Genders are asked, optionally, for the funders' figures; "" is not given.
	Genders           = []string{"woman", "man", "other"}
	SituationCodes    = []string{"rsa", "young_unqualified", "qpv", "job_seeker", "asylum", "other"}
	EquipmentCodes    = []string{"smartphone", "computer", "internet"}
	AvailabilityCodes = []string{"mornings", "afternoons", "evenings", "saturday"}
	HeardFromCodes    = []string{"friend", "social_worker", "employment_agency", "social_media", "website", "poster", "event", "other"}
	ContactKinds      = []string{"no_answer", "reached", "sms", "interview"}
	// FollowUpSituations are the insertion-reporting categories at +3 and +6 months.
	FollowUpSituations = []string{"cdi", "cdd_long", "cdd_short", "temp", "business", "training", "job_search", "no_news"}
	// Milestones are the follow-ups after exit: +3 and +6 months.
	Milestones = []string{"m3", "m6"}
)

// ErrNotFound is returned for a file that does not exist or is outside the
// caller's antennas: both are answered the same way.
var ErrNotFound = errors.New("learner not found")

// ErrTooManyRegistrations is returned by Register when the address has registered
// too often within the hour.
var ErrTooManyRegistrations = errors.New("too many registrations from this address")

// ErrNoFollowUp is returned when recording a follow-up before the exit is recorded.
var ErrNoFollowUp = errors.New("no follow-up planned: record the exit first")

// Learner is one person's file.
type Learner struct {
	ID              int64
	AntennaID       int64
	AntennaName     string
	AntennaCountry  string
	AntennaPhone    string
	AntennaTZ       string
	FirstName       string
	LastName        string
	Phone           string // E.164
	Email           string
	BirthYear       int
	Postcode        string
	Town            string // town, or camp
	Languages       []string
	FrenchLevel     string
	Gender          string // one of Genders, "" when not given
	Situations      []string
	Equipment       []string
	Availabilities  []string
	HeardFrom       string
	WishedProgramme int64
	WishedCohort    int64
	Status          string
	StatusReason    string
	ConsentText     string
	ConsentAt       time.Time
	Source          string
	Lang            string
	DuplicateOf     int64
	MergedInto      int64
	ExitedOn        string // YYYY-MM-DD
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Name is how staff see the person named.
func (l *Learner) Name() string { return l.FirstName + " " + l.LastName }

// Where is the postcode or the town (or camp) the person lives in.
func (l *Learner) Where() string {
	if l.Postcode != "" && l.Town != "" {
		return l.Postcode + " " + l.Town
	}
	return l.Postcode + l.Town
}

// PhoneDisplay is the phone grouped for reading aloud.
func (l *Learner) PhoneDisplay() string { return DisplayPhone(l.Phone) }

// InTrainingOrAfter reports whether the person has a seat or has left training,
// when recording the exit makes sense.
func (l *Learner) InTrainingOrAfter() bool {
	return l.Status == Enrolled || l.Status == InTraining || l.Exited()
}

// Exited reports whether the person has left training.
func (l *Learner) Exited() bool { return slices.Contains(ExitOutcomes, l.Status) }

const learnerColumns = `l.id, l.antenna_id, a.name, a.country, a.phone, a.timezone, l.first_name, l.last_name, l.phone, l.email,
	l.birth_year, l.postcode, l.town, l.languages, l.french_level, l.situations, l.equipment, l.availabilities,
	l.heard_from, COALESCE(l.wished_programme_id, 0), COALESCE(l.wished_cohort_id, 0), l.status, l.status_reason,
	l.consent_text, l.consent_at, l.source, l.lang, COALESCE(l.duplicate_of, 0), COALESCE(l.merged_into, 0),
	l.exited_on, l.created_at, l.updated_at, l.gender`

const learnerFrom = ` FROM learners l JOIN antennas a ON a.id = l.antenna_id`

// scanOne scans a learner row with no extra column, for db.Collect.
func scanOne(row db.Scanner) (*Learner, error) { return scanLearner(row) }

func scanLearner(row db.Scanner, extra ...any) (*Learner, error) {
	var l Learner
	var langs, sits, equip, avail, consentAt, created, updated string
	err := row.Scan(append([]any{&l.ID, &l.AntennaID, &l.AntennaName, &l.AntennaCountry, &l.AntennaPhone, &l.AntennaTZ, &l.FirstName, &l.LastName,
		&l.Phone, &l.Email, &l.BirthYear, &l.Postcode, &l.Town, &langs, &l.FrenchLevel, &sits, &equip, &avail,
		&l.HeardFrom, &l.WishedProgramme, &l.WishedCohort, &l.Status, &l.StatusReason, &l.ConsentText, &consentAt,
		&l.Source, &l.Lang, &l.DuplicateOf, &l.MergedInto, &l.ExitedOn, &created, &updated, &l.Gender}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	l.Languages, l.Situations, l.Equipment, l.Availabilities = splitCodes(langs), splitCodes(sits), splitCodes(equip), splitCodes(avail)
	l.ConsentAt, l.CreatedAt, l.UpdatedAt = db.ParseTime(consentAt), db.ParseTime(created), db.ParseTime(updated)
	return &l, nil
}

func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func joinCodes(codes []string) string { return strings.Join(codes, ",") }

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// placeholders returns "$n, $n+1, …" for k values.
func placeholders(n, k int) string {
	var b strings.Builder
	for i := range k {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", n+i)
	}
	return b.String()
}

// AddressKey is what is kept of a client address for the registration limit: a
// hash, so that the table holds no address.
func AddressKey(address string) string {
	sum := sha256.Sum256([]byte("tremplin-registration:" + address))
	return hex.EncodeToString(sum[:12])
}

// findDuplicate returns an earlier file of the antenna with the same phone, or the
// same name (either order, accents and case aside) and birth year; 0 if none.
func findDuplicate(ctx context.Context, q db.Execer, l *Learner, firstKey, lastKey string) (int64, error) {
	// Three index lookups (phone; name; name in the other order) rather than one
	// OR, which the planners answer by scanning every file of the antenna — slower
	// with each registration.
	var id sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT MIN(id) FROM (
			SELECT id FROM learners WHERE phone = $2 AND antenna_id = $1 AND merged_into IS NULL AND id <> $6
			UNION ALL
			SELECT id FROM learners WHERE last_key = $4 AND first_key = $5 AND birth_year = $3 AND $4 <> ''
				AND antenna_id = $1 AND merged_into IS NULL AND id <> $6
			UNION ALL
			SELECT id FROM learners WHERE last_key = $5 AND first_key = $4 AND birth_year = $3 AND $4 <> ''
				AND antenna_id = $1 AND merged_into IS NULL AND id <> $6
		) AS candidates`, l.AntennaID, l.Phone, l.BirthYear, lastKey, firstKey, l.ID).Scan(&id)
	return id.Int64, err
}

// Register stores a new registration in one transaction: the per-address limit
// (limit registrations per hour; 0 for none), the duplicate check, the file and the
// first step of its history. l.ID and l.DuplicateOf are set.
func Register(ctx context.Context, d *db.DB, l *Learner, address string, limit int) error {
	now := time.Now()
	if l.CreatedAt.IsZero() {
		l.CreatedAt = now
	}
	if l.ConsentAt.IsZero() {
		l.ConsentAt = l.CreatedAt
	}
	if l.Source == "" {
		l.Source = "web"
	}
	if l.Lang == "" {
		l.Lang = "fr"
	}
	l.Status, l.UpdatedAt = Received, l.CreatedAt
	firstKey, lastKey := NameKey(l.FirstName), NameKey(l.LastName)
	key := AddressKey(address)
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if address != "" && limit > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM registration_attempts WHERE address = $1 AND at > $2",
				key, now.Add(-time.Hour).Unix()).Scan(&n); err != nil {
				return err
			}
			if n >= limit {
				return ErrTooManyRegistrations
			}
		}
		var err error
		if l.DuplicateOf, err = findDuplicate(ctx, tx, l, firstKey, lastKey); err != nil {
			return err
		}
		created := db.FormatTime(l.CreatedAt)
		err = tx.QueryRowContext(ctx, `INSERT INTO learners (antenna_id, first_name, last_name, phone, email, birth_year,
			postcode, town, languages, french_level, situations, equipment, availabilities, heard_from, wished_programme_id,
			wished_cohort_id, status, consent_text, consent_at, source, lang, first_key, last_key, duplicate_of, created_at, updated_at, gender)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25, $26)
			RETURNING id`,
			l.AntennaID, l.FirstName, l.LastName, l.Phone, l.Email, l.BirthYear, l.Postcode, l.Town, joinCodes(l.Languages),
			l.FrenchLevel, joinCodes(l.Situations), joinCodes(l.Equipment), joinCodes(l.Availabilities), l.HeardFrom,
			nullID(l.WishedProgramme), nullID(l.WishedCohort), l.Status, l.ConsentText, db.FormatTime(l.ConsentAt), l.Source, l.Lang,
			firstKey, lastKey, nullID(l.DuplicateOf), created, l.Gender).Scan(&l.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO learner_history (learner_id, kind, status, at) VALUES ($1, 'registered', $2, $3)`,
			l.ID, Received, created); err != nil {
			return err
		}
		if address == "" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO registration_attempts (address, at) VALUES ($1, $2)", key, now.Unix()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM registration_attempts WHERE at < $1", now.Add(-time.Hour).Unix())
		return err
	})
}

// ByID returns a file in scope (a merged one too: MergedInto says where it went).
func ByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Learner, error) {
	where, args := sc.Where("l.antenna_id", 2)
	return scanLearner(d.QueryRowContext(ctx, "SELECT "+learnerColumns+learnerFrom+" WHERE l.id = $1 AND "+where,
		append([]any{id}, args...)...))
}

// Update saves the person's details (not their path) and records who changed them.
func Update(ctx context.Context, d *db.DB, l *Learner, staffID int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `UPDATE learners SET antenna_id = $1, first_name = $2, last_name = $3, phone = $4,
			email = $5, birth_year = $6, postcode = $7, town = $8, languages = $9, french_level = $10, situations = $11,
			equipment = $12, availabilities = $13, heard_from = $14, wished_programme_id = $15, first_key = $16,
			last_key = $17, updated_at = $18, gender = $19 WHERE id = $20 AND merged_into IS NULL`,
			l.AntennaID, l.FirstName, l.LastName, l.Phone, l.Email, l.BirthYear, l.Postcode, l.Town, joinCodes(l.Languages),
			l.FrenchLevel, joinCodes(l.Situations), joinCodes(l.Equipment), joinCodes(l.Availabilities), l.HeardFrom,
			nullID(l.WishedProgramme), NameKey(l.FirstName), NameKey(l.LastName), now, l.Gender, l.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return addHistory(ctx, tx, l.ID, "edited", "", "", staffID, now)
	})
}

func addHistory(ctx context.Context, tx db.Execer, learnerID int64, kind, status, detail string, staffID int64, at string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO learner_history (learner_id, kind, status, detail, staff_id, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, learnerID, kind, status, detail, nullID(staffID), at)
	return err
}

// Duplicates lists the files in scope flagged as possibly the same person as id:
// the one it was flagged against, and those flagged against it.
func Duplicates(ctx context.Context, d *db.DB, sc auth.Scope, id int64) ([]*Learner, error) {
	where, args := sc.Where("l.antenna_id", 2)
	rows, err := d.QueryContext(ctx, "SELECT "+learnerColumns+learnerFrom+` WHERE l.merged_into IS NULL AND l.id <> $1 AND
		(l.duplicate_of = $1 OR l.id = (SELECT x.duplicate_of FROM learners x WHERE x.id = $1)) AND `+where+" ORDER BY l.id",
		append([]any{id}, args...)...)
	return db.Collect[*Learner](rows, err)(scanOne)
}

// ClearDuplicate records that two flagged files are different people.
func ClearDuplicate(ctx context.Context, d *db.DB, id, other, staffID int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE learners SET duplicate_of = NULL
			WHERE (id = $1 AND duplicate_of = $2) OR (id = $2 AND duplicate_of = $1)`, id, other)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		now := db.Now()
		for _, l := range []int64{id, other} {
			if err := addHistory(ctx, tx, l, "not_duplicate", "", "", staffID, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Contact is one attempt to reach the person.
type Contact struct {
	ID          int64
	LearnerID   int64
	Kind        string // ContactKinds
	InterviewAt string // local "YYYY-MM-DD HH:MM", for an interview booked
	Note        string
	StaffID     int64
}

// AddContact logs a contact attempt; the first one moves a new registration to
// "contacted".
func AddContact(ctx context.Context, d *db.DB, c *Contact) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		err := tx.QueryRowContext(ctx, `INSERT INTO learner_contacts (learner_id, kind, interview_at, note, staff_id, at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.LearnerID, c.Kind, c.InterviewAt, c.Note, c.StaffID, now).Scan(&c.ID)
		if err != nil {
			return err
		}
		return moveIf(ctx, tx, c.LearnerID, Contacted, "", c.StaffID, now, []string{Received})
	})
}

// moveIf sets the status when the current one is in from, and records the step.
func moveIf(ctx context.Context, tx db.Execer, id int64, status, detail string, staffID int64, now string, from []string) error {
	args := []any{status, now, id}
	for _, s := range from {
		args = append(args, s)
	}
	res, err := tx.ExecContext(ctx, "UPDATE learners SET status = $1, status_reason = '', updated_at = $2 WHERE id = $3 AND status IN ("+
		placeholders(4, len(from))+")", args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return addHistory(ctx, tx, id, "status", status, detail, staffID, now)
}

// SetStatus records a decision on the person's path with its reason (or the
// cohort concerned) and who took it.
func SetStatus(ctx context.Context, d *db.DB, id int64, status, detail string, staffID int64) error {
	if !slices.Contains(Statuses, status) {
		return fmt.Errorf("unknown status %q", status)
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, "UPDATE learners SET status = $1, status_reason = $2, updated_at = $3 WHERE id = $4 AND merged_into IS NULL",
			status, detail, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return addHistory(ctx, tx, id, "status", status, detail, staffID, now)
	})
}

// Note is a staff member's note on a file.
type Note struct {
	LearnerID int64
	Body      string
	StaffID   int64
}

// AddNote adds a note to a file.
func AddNote(ctx context.Context, d *db.DB, n Note) error {
	_, err := d.Exec(ctx, "INSERT INTO learner_notes (learner_id, body, staff_id, at) VALUES ($1, $2, $3, $4)",
		n.LearnerID, n.Body, n.StaffID, db.Now())
	return err
}

// RecordExit records how the person left training (completed, certified or
// dropped, with a reason) on a date, and plans the follow-ups at +3 and +6 months.
// Recording it again corrects it and moves the follow-ups not yet done.
func RecordExit(ctx context.Context, d *db.DB, id int64, outcome, reason string, on time.Time, staffID int64) error {
	if !slices.Contains(ExitOutcomes, outcome) {
		return fmt.Errorf("unknown exit outcome %q", outcome)
	}
	day := on.Format(time.DateOnly)
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `UPDATE learners SET status = $1, status_reason = $2, exited_on = $3, updated_at = $4
			WHERE id = $5 AND merged_into IS NULL`, outcome, reason, day, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		for i, m := range Milestones {
			due := on.AddDate(0, 3*(i+1), 0).Format(time.DateOnly)
			if _, err := tx.ExecContext(ctx, `INSERT INTO learner_followups (learner_id, milestone, due_on) VALUES ($1, $2, $3)
				ON CONFLICT (learner_id, milestone) DO UPDATE SET due_on = excluded.due_on WHERE learner_followups.recorded_at = ''`,
				id, m, due); err != nil {
				return err
			}
		}
		return addHistory(ctx, tx, id, "status", outcome, reason, staffID, now)
	})
}

// FollowUp is one follow-up after exit.
type FollowUp struct {
	LearnerID  int64
	Milestone  string // m3, m6
	DueOn      time.Time
	Situation  string
	Note       string
	StaffName  string
	RecordedAt time.Time
	Overdue    bool // not recorded and its day has passed
}

// Done reports whether the situation has been recorded.
func (f *FollowUp) Done() bool { return !f.RecordedAt.IsZero() }

// RecordFollowUp records the person's situation at a milestone (again, to correct it).
func RecordFollowUp(ctx context.Context, d *db.DB, id int64, milestone, situation, note string, staffID int64) error {
	res, err := d.Exec(ctx, `UPDATE learner_followups SET situation = $1, note = $2, staff_id = $3, recorded_at = $4
		WHERE learner_id = $5 AND milestone = $6`, situation, note, staffID, db.Now(), id, milestone)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNoFollowUp
	}
	return nil
}

// FollowUps lists a person's follow-ups, by milestone.
func FollowUps(ctx context.Context, d *db.DB, id int64) ([]*FollowUp, error) {
	rows, err := d.QueryContext(ctx, `SELECT f.milestone, f.due_on, f.situation, f.note, COALESCE(s.name, ''), f.recorded_at
		FROM learner_followups f LEFT JOIN staff s ON s.id = f.staff_id WHERE f.learner_id = $1 ORDER BY f.due_on`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*FollowUp
	for rows.Next() {
		f := &FollowUp{LearnerID: id}
		var due, rec string
		if err := rows.Scan(&f.Milestone, &due, &f.Situation, &f.Note, &f.StaffName, &rec); err != nil {
			return nil, err
		}
		f.DueOn, _ = time.Parse(time.DateOnly, due)
		f.RecordedAt = db.ParseTime(rec)
		f.Overdue = rec == "" && due < time.Now().Format(time.DateOnly)
		out = append(out, f)
	}
	return out, rows.Err()
}

// DueFollowUp is a follow-up to do, for the advisers' list.
type DueFollowUp struct {
	FollowUp
	Learner *Learner
}

// DueSoon is how far ahead the follow-up list looks: a follow-up due within the
// week is shown with those already due.
const DueSoon = 7 * 24 * time.Hour

// FollowUpsDue lists the follow-ups in scope not yet recorded and due by today
// plus DueSoon, the most overdue first.
func FollowUpsDue(ctx context.Context, d *db.DB, sc auth.Scope, today time.Time) ([]*DueFollowUp, error) {
	where, args := sc.Where("l.antenna_id", 2)
	horizon := today.Add(DueSoon).Format(time.DateOnly)
	rows, err := d.QueryContext(ctx, "SELECT "+learnerColumns+", f.milestone, f.due_on"+learnerFrom+`
		JOIN learner_followups f ON f.learner_id = l.id
		WHERE f.recorded_at = '' AND f.due_on <= $1 AND l.merged_into IS NULL AND `+where+` ORDER BY f.due_on, l.id`,
		append([]any{horizon}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	todayS := today.Format(time.DateOnly)
	var out []*DueFollowUp
	for rows.Next() {
		f := &DueFollowUp{}
		var due string
		if f.Learner, err = scanLearner(rows, &f.Milestone, &due); err != nil {
			return nil, err
		}
		f.LearnerID = f.Learner.ID
		f.DueOn, _ = time.Parse(time.DateOnly, due)
		f.Overdue = due < todayS
		out = append(out, f)
	}
	return out, rows.Err()
}

// Event is one line of a file's timeline.
type Event struct {
	At        time.Time
	Kind      string    // registered, status, edited, merged, not_duplicate, contact, note, followup
	Status    string    // the status after a step; a follow-up's situation
	Detail    string    // a reason or cohort; a contact's kind; a follow-up's milestone
	Text      string    // a note; a contact's or follow-up's note
	Interview time.Time // for a contact: the interview booked, on the antenna's clock
	StaffName string
}

// Timeline gathers a file's history, contacts, notes and recorded follow-ups,
// oldest first.
func Timeline(ctx context.Context, d *db.DB, id int64) ([]*Event, error) {
	rows, err := d.QueryContext(ctx, `
		SELECT h.at, h.kind, h.status, h.detail, '', '', COALESCE(s.name, '') FROM learner_history h
			LEFT JOIN staff s ON s.id = h.staff_id WHERE h.learner_id = $1
		UNION ALL
		SELECT c.at, 'contact', '', c.kind, c.note, c.interview_at, s.name FROM learner_contacts c
			JOIN staff s ON s.id = c.staff_id WHERE c.learner_id = $1
		UNION ALL
		SELECT n.at, 'note', '', '', n.body, '', s.name FROM learner_notes n
			JOIN staff s ON s.id = n.staff_id WHERE n.learner_id = $1
		UNION ALL
		SELECT f.recorded_at, 'followup', f.situation, f.milestone, f.note, '', COALESCE(s.name, '') FROM learner_followups f
			LEFT JOIN staff s ON s.id = f.staff_id WHERE f.learner_id = $1 AND f.recorded_at <> ''
		ORDER BY 1, 2`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Event
	for rows.Next() {
		e := &Event{}
		var at, interview string
		if err := rows.Scan(&at, &e.Kind, &e.Status, &e.Detail, &e.Text, &interview, &e.StaffName); err != nil {
			return nil, err
		}
		e.At = db.ParseTime(at)
		e.Interview, _ = time.Parse("2006-01-02 15:04", interview)
		out = append(out, e)
	}
	// Within the same second, the registration comes first.
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].Kind == "registered" && out[j].Kind != "registered"
	})
	return out, rows.Err()
}

// progress orders statuses by how far along the path they are, to keep the more
// advanced one when two files are merged.
var progress = map[string]int{
	Received: 0, Contacted: 1, Positioned: 2, Oriented: 3, NotEligible: 3, Waitlisted: 3, Offered: 4,
	Enrolled: 5, InTraining: 6, Completed: 7, Certified: 7, Dropped: 7,
}

// Merge folds file other into file keep, in one transaction: other's history,
// contacts, notes, follow-ups, enrolments and positioning tests move to keep; keep
// gains the details it lacked and the further status; other is marked merged into
// keep and leaves every list.
func Merge(ctx context.Context, d *db.DB, keep, other, staffID int64) error {
	if keep == other {
		return ErrNotFound
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		load := func(id int64) (*Learner, error) {
			return scanLearner(tx.QueryRowContext(ctx, "SELECT "+learnerColumns+learnerFrom+" WHERE l.id = $1 AND l.merged_into IS NULL", id))
		}
		k, err := load(keep)
		if err != nil {
			return err
		}
		o, err := load(other)
		if err != nil {
			return err
		}
		for _, table := range []string{"learner_history", "learner_contacts", "learner_notes"} {
			if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET learner_id = $1 WHERE learner_id = $2", keep, other); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE learner_followups SET learner_id = $1 WHERE learner_id = $2
			AND milestone NOT IN (SELECT milestone FROM learner_followups WHERE learner_id = $1)`, keep, other); err != nil {
			return err
		}
		if err := training.ReassignLearner(ctx, tx, other, keep); err != nil {
			return fmt.Errorf("merge enrolments: %w", err)
		}
		if err := positioning.ReassignLearner(ctx, tx, other, keep); err != nil {
			return fmt.Errorf("merge positioning tests: %w", err)
		}
		fill := func(dst *string, src string) {
			if *dst == "" {
				*dst = src
			}
		}
		fill(&k.Email, o.Email)
		fill(&k.Postcode, o.Postcode)
		fill(&k.Town, o.Town)
		fill(&k.FrenchLevel, o.FrenchLevel)
		fill(&k.Gender, o.Gender)
		fill(&k.HeardFrom, o.HeardFrom)
		union := func(a, b []string) []string {
			for _, x := range b {
				if !slices.Contains(a, x) {
					a = append(a, x)
				}
			}
			return a
		}
		k.Languages, k.Situations = union(k.Languages, o.Languages), union(k.Situations, o.Situations)
		k.Equipment, k.Availabilities = union(k.Equipment, o.Equipment), union(k.Availabilities, o.Availabilities)
		if k.WishedProgramme == 0 {
			k.WishedProgramme = o.WishedProgramme
		}
		if k.WishedCohort == 0 {
			k.WishedCohort = o.WishedCohort
		}
		if progress[o.Status] > progress[k.Status] {
			k.Status, k.StatusReason, k.ExitedOn = o.Status, o.StatusReason, o.ExitedOn
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE learners SET email = $1, postcode = $2, town = $3, french_level = $4,
			heard_from = $5, languages = $6, situations = $7, equipment = $8, availabilities = $9, wished_programme_id = $10,
			wished_cohort_id = $11, status = $12, status_reason = $13, exited_on = $14, updated_at = $15,
			duplicate_of = CASE WHEN duplicate_of = $17 THEN NULL ELSE duplicate_of END, gender = $18 WHERE id = $16`,
			k.Email, k.Postcode, k.Town, k.FrenchLevel, k.HeardFrom, joinCodes(k.Languages), joinCodes(k.Situations),
			joinCodes(k.Equipment), joinCodes(k.Availabilities), nullID(k.WishedProgramme), nullID(k.WishedCohort),
			k.Status, k.StatusReason, k.ExitedOn, now, keep, other, k.Gender); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE learners SET duplicate_of = $1 WHERE duplicate_of = $2 AND id <> $1", keep, other); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE learners SET merged_into = $1, duplicate_of = NULL, updated_at = $2 WHERE id = $3",
			keep, now, other); err != nil {
			return err
		}
		return addHistory(ctx, tx, keep, "merged", "", fmt.Sprintf("%s (%d)", o.Name(), o.ID), staffID, now)
	})
}

// moveForEnrolment follows an enrolment's new state without ever moving a person
// back: waitlisted < offered < enrolled < in training. A withdrawal returns the
// person to their best remaining enrolment, or to where they were before.
func moveForEnrolment(ctx context.Context, d *db.DB, id int64, state string) error {
	var blocked []string
	switch state {
	case Enrolled:
		blocked = []string{Enrolled, InTraining}
	case Offered:
		blocked = []string{Offered, Enrolled, InTraining}
	case Waitlisted:
		blocked = []string{Waitlisted, Offered, Enrolled, InTraining}
	case "withdrawn":
		return afterWithdrawal(ctx, d, id)
	default:
		return nil
	}
	var from []string
	for _, s := range Statuses {
		if !slices.Contains(blocked, s) {
			from = append(from, s)
		}
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		return moveIf(ctx, tx, id, state, "", 0, db.Now(), from)
	})
}

func afterWithdrawal(ctx context.Context, d *db.DB, id int64) error {
	enrolments, err := training.LearnerEnrolments(ctx, d, id)
	if err != nil {
		return err
	}
	best := ""
	for _, e := range enrolments {
		for _, s := range []string{Enrolled, Offered, Waitlisted} {
			if e.State == s && (best == "" || progress[s] > progress[best]) {
				best = s
			}
		}
	}
	pending := []string{Enrolled, Offered, Waitlisted}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		target := best
		if target == "" {
			// Where the person was before being enrolled, waitlisted or offered a seat.
			err := tx.QueryRowContext(ctx, `SELECT status FROM learner_history WHERE learner_id = $1 AND status <> ''
				AND status NOT IN ($2, $3, $4) ORDER BY at DESC, id DESC LIMIT 1`, id, Enrolled, Offered, Waitlisted).Scan(&target)
			if errors.Is(err, sql.ErrNoRows) {
				target = Contacted
			} else if err != nil {
				return err
			}
		}
		var from []string
		for _, s := range pending {
			if s != target {
				from = append(from, s)
			}
		}
		return moveIf(ctx, tx, id, target, "", 0, db.Now(), from)
	})
}

// markPositioned moves a person to "positioned" after a test, unless a decision
// has already taken them further.
func markPositioned(ctx context.Context, d *db.DB, id int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		return moveIf(ctx, tx, id, Positioned, "", 0, db.Now(), []string{Received, Contacted})
	})
}
