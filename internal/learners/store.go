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
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
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
	// The person asked for no messages (MessagesOffBy: stop for an SMS reply,
	// staff when they told someone); the provider said the phone cannot take SMS.
	MessagesOff        bool
	MessagesOffAt      time.Time
	MessagesOffBy      string
	PhoneUndeliverable bool
	// AnonymisedAt is when the file lost everything that named the person
	// (retention or erasure, privacy.Anonymise); zero while it has not.
	AnonymisedAt time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
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

// PhoneLandline reports whether the phone is a landline, which cannot receive the
// SMS that confirm and remind: staff are told so next to it (the email, if any,
// still goes; the file lists the SMS as not sent).
func (l *Learner) PhoneLandline() bool { return check.Landline(l.Phone) }

// InTrainingOrAfter reports whether the person has a seat or has left training,
// when recording the exit makes sense.
func (l *Learner) InTrainingOrAfter() bool {
	return l.Status == Enrolled || l.Status == InTraining || l.Exited()
}

// Exited reports whether the person has left training.
func (l *Learner) Exited() bool { return slices.Contains(ExitOutcomes, l.Status) }

// Columns are a file's columns, of learners l joined to antennas a, in the order
// Scan reads them.
const Columns = `l.id, l.antenna_id, a.name, a.country, a.phone, a.timezone, l.first_name, l.last_name, l.phone, l.email,
	l.birth_year, l.postcode, l.town, l.languages, l.french_level, l.situations, l.equipment, l.availabilities,
	l.heard_from, COALESCE(l.wished_programme_id, 0), COALESCE(l.wished_cohort_id, 0), l.status, l.status_reason,
	l.consent_text, l.consent_at, l.source, l.lang, COALESCE(l.duplicate_of, 0), COALESCE(l.merged_into, 0),
	l.exited_on, l.created_at, l.updated_at, l.gender, l.messages_off_at, l.messages_off_by, l.phone_undeliverable_at, l.anonymised_at`

const learnerFrom = ` FROM learners l JOIN antennas a ON a.id = l.antenna_id`

// scanOne scans a learner row with no extra column, for db.Collect.
func scanOne(row db.Scanner) (*Learner, error) { return Scan(row) }

// Scan reads a file from a row of Columns, then the extra columns that follow
// into extra; no row is db.ErrNotFound.
func Scan(row db.Scanner, extra ...any) (*Learner, error) {
	var l Learner
	var langs, sits, equip, avail, consentAt, created, updated, offAt, undeliverable, anonymised string
	err := row.Scan(append([]any{&l.ID, &l.AntennaID, &l.AntennaName, &l.AntennaCountry, &l.AntennaPhone, &l.AntennaTZ, &l.FirstName, &l.LastName,
		&l.Phone, &l.Email, &l.BirthYear, &l.Postcode, &l.Town, &langs, &l.FrenchLevel, &sits, &equip, &avail,
		&l.HeardFrom, &l.WishedProgramme, &l.WishedCohort, &l.Status, &l.StatusReason, &l.ConsentText, &consentAt,
		&l.Source, &l.Lang, &l.DuplicateOf, &l.MergedInto, &l.ExitedOn, &created, &updated, &l.Gender, &offAt, &l.MessagesOffBy, &undeliverable, &anonymised}, extra...)...)
	if err != nil {
		return nil, db.NotFound(err)
	}
	l.Languages, l.Situations, l.Equipment, l.Availabilities = splitCodes(langs), splitCodes(sits), splitCodes(equip), splitCodes(avail)
	l.ConsentAt, l.CreatedAt, l.UpdatedAt = db.ParseTime(consentAt), db.ParseTime(created), db.ParseTime(updated)
	if offAt != "" {
		l.MessagesOff, l.MessagesOffAt = true, db.ParseTime(offAt)
	}
	l.PhoneUndeliverable = undeliverable != ""
	l.AnonymisedAt = db.ParseTime(anonymised)
	return &l, nil
}

func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func joinCodes(codes []string) string { return strings.Join(codes, ",") }

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
	return RegisterChecked(ctx, d, l, Checks{Address: address, AddressLimit: limit})
}

// Limits of the public form (package registration). A room of people on one wifi
// registers well under the per-address ceiling in an hour, and staff can vouch
// for a bigger session with a workshop code; a flood from one address or one
// phone is stopped.
const (
	// DefaultRegistrationLimit is how many registrations one address may send per
	// hour by default.
	DefaultRegistrationLimit = 60
	// PhoneLimit is how many new files one phone number may be given per hour (a
	// parent registering the family from one phone stays under it).
	PhoneLimit = 4
)

// Checks are what a public registration is checked against before it is stored.
type Checks struct {
	Address      string        // the client address ("" for none: staff, imports)
	AddressLimit int           // registrations per address and hour; 0 for none
	PhoneLimit   int           // new files per phone number and hour; 0 for none
	Pass         string        // a workshop code, which lifts the address limit (read as NormalizePass does)
	SameWithin   time.Duration // the same phone and names in the antenna this recently: the same registration
	// Then, when set, runs in the registration's transaction once the file is
	// stored (its acknowledgement is queued there).
	Then func(ctx context.Context, tx *sql.Tx, l *Learner) error
}

// PassAlphabet is what workshop codes are made of: no letters or digits that
// read alike (0/O, 1/I/L).
const PassAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NormalizePass reads a workshop code as people type it: any case, spaces and
// dashes aside.
func NormalizePass(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(PassAlphabet, r) {
			return r
		}
		return -1
	}, s)
}

// ErrTooManyForPhone is returned by RegisterChecked when the phone number has been
// given for too many new files within the hour.
var ErrTooManyForPhone = errors.New("too many registrations with this phone number")

// ErrAlreadyRegistered is returned by RegisterChecked for a registration sent again
// (the back button, a double tap): l.ID is the file already made, nothing is stored.
var ErrAlreadyRegistered = errors.New("this registration was just received")

// RegisterChecked stores a new registration in one transaction, after the checks:
// a registration sent again is recognised, then the workshop code, the per-phone
// and the per-address limits are applied. l.ID and l.DuplicateOf are set.
func RegisterChecked(ctx context.Context, d *db.DB, l *Learner, c Checks) error {
	now := time.Now()
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if c.SameWithin > 0 {
			var id sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM learners WHERE phone = $1 AND antenna_id = $2
				AND first_key = $3 AND last_key = $4 AND created_at > $5 AND merged_into IS NULL`,
				l.Phone, l.AntennaID, NameKey(l.FirstName), NameKey(l.LastName), db.FormatTime(now.Add(-c.SameWithin))).Scan(&id); err != nil {
				return err
			}
			if id.Valid {
				l.ID = id.Int64
				return ErrAlreadyRegistered
			}
		}
		if err := CheckLimits(ctx, tx, l.Phone, c, now); err != nil {
			return err
		}
		if err := InsertRegistration(ctx, tx, l, now); err != nil || c.Then == nil {
			return err
		}
		return c.Then(ctx, tx, l)
	})
}

// InsertRegistration writes a new file within tx, with what a new registration
// takes by default (now for its dates, the first status), and the first step of
// its history: the end of RegisterChecked, and of a held registration's release.
// l.ID and l.DuplicateOf are set.
func InsertRegistration(ctx context.Context, tx *sql.Tx, l *Learner, now time.Time) error {
	prepareRegistration(l, now)
	firstKey, lastKey := NameKey(l.FirstName), NameKey(l.LastName)
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
		db.NullID(l.WishedProgramme), db.NullID(l.WishedCohort), l.Status, l.ConsentText, db.FormatTime(l.ConsentAt), l.Source, l.Lang,
		firstKey, lastKey, db.NullID(l.DuplicateOf), created, l.Gender).Scan(&l.ID)
	if err != nil {
		return err
	}
	if err := writeKeys(ctx, tx, keyed{l.ID, l.AntennaID, l.FirstName, l.LastName, l.Phone}); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO learner_history (learner_id, kind, status, at) VALUES ($1, 'registered', $2, $3)`,
		l.ID, Received, created)
	return err
}

// prepareRegistration fills what a new registration takes by default.
func prepareRegistration(l *Learner, now time.Time) {
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
}

// CheckLimits applies the per-phone and per-address limits of c within tx (a
// valid workshop code lifts the second) and counts this attempt for its address:
// before a registration is stored, or held for review.
func CheckLimits(ctx context.Context, tx *sql.Tx, phone string, c Checks, now time.Time) error {
	if phone != "" && c.PhoneLimit > 0 {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM learners WHERE phone = $1 AND created_at > $2",
			phone, db.FormatTime(now.Add(-time.Hour))).Scan(&n); err != nil {
			return err
		}
		if n >= c.PhoneLimit {
			return ErrTooManyForPhone
		}
	}
	if c.Address == "" {
		return nil
	}
	key := AddressKey(c.Address)
	vouched := false
	if c.Pass != "" {
		res, err := tx.ExecContext(ctx, `UPDATE registration_passes SET used = used + 1
			WHERE code = $1 AND expires_at > $2 AND used < max_uses`, NormalizePass(c.Pass), db.FormatTime(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		vouched = n == 1
	}
	if c.AddressLimit > 0 && !vouched {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM registration_attempts WHERE address = $1 AND at > $2",
			key, now.Add(-time.Hour).Unix()).Scan(&n); err != nil {
			return err
		}
		if n >= c.AddressLimit {
			return ErrTooManyRegistrations
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO registration_attempts (address, at) VALUES ($1, $2)", key, now.Unix()); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM registration_attempts WHERE at < $1", now.Add(-time.Hour).Unix())
	return err
}

// ByID returns a file in scope (a merged one too: MergedInto says where it went).
func ByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Learner, error) {
	args := db.Args{id}
	where := sc.Where("l.antenna_id", &args)
	return Scan(d.QueryRowContext(ctx, "SELECT "+Columns+learnerFrom+" WHERE l.id = $1 AND "+where, args...))
}

// Update saves the person's details (not their path) and records who changed them.
func Update(ctx context.Context, d *db.DB, l *Learner, staffID int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `UPDATE learners SET antenna_id = $1, first_name = $2, last_name = $3, phone = $4,
			email = $5, birth_year = $6, postcode = $7, town = $8, languages = $9, french_level = $10, situations = $11,
			equipment = $12, availabilities = $13, heard_from = $14, wished_programme_id = $15, first_key = $16,
			last_key = $17, updated_at = $18, gender = $19,
			phone_undeliverable_at = CASE WHEN phone = $4 THEN phone_undeliverable_at ELSE '' END
			WHERE id = $20 AND merged_into IS NULL`,
			l.AntennaID, l.FirstName, l.LastName, l.Phone, l.Email, l.BirthYear, l.Postcode, l.Town, joinCodes(l.Languages),
			l.FrenchLevel, joinCodes(l.Situations), joinCodes(l.Equipment), joinCodes(l.Availabilities), l.HeardFrom,
			db.NullID(l.WishedProgramme), NameKey(l.FirstName), NameKey(l.LastName), now, l.Gender, l.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		if err := writeKeys(ctx, tx, keyed{l.ID, l.AntennaID, l.FirstName, l.LastName, l.Phone}); err != nil {
			return err
		}
		// The follow-up list reads the antenna from the follow-ups themselves.
		if _, err := tx.ExecContext(ctx, "UPDATE learner_followups SET antenna_id = $1 WHERE learner_id = $2 AND antenna_id <> $1",
			l.AntennaID, l.ID); err != nil {
			return err
		}
		return addHistory(ctx, tx, l.ID, "edited", "", "", staffID, now)
	})
}

func addHistory(ctx context.Context, tx db.Execer, learnerID int64, kind, status, detail string, staffID int64, at string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO learner_history (learner_id, kind, status, detail, staff_id, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, learnerID, kind, status, detail, db.NullID(staffID), at)
	return err
}

// Duplicates lists the files in scope flagged as possibly the same person as id:
// the one it was flagged against, and those flagged against it.
func Duplicates(ctx context.Context, d *db.DB, sc auth.Scope, id int64) ([]*Learner, error) {
	args := db.Args{id}
	where := sc.Where("l.antenna_id", &args)
	rows, err := d.QueryContext(ctx, "SELECT "+Columns+learnerFrom+` WHERE l.merged_into IS NULL AND l.id <> $1 AND
		(l.duplicate_of = $1 OR l.id = (SELECT x.duplicate_of FROM learners x WHERE x.id = $1)) AND `+where+" ORDER BY l.id", args...)
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
			return db.ErrNotFound
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
	args := db.Args{status, now, id}
	res, err := tx.ExecContext(ctx, "UPDATE learners SET status = $1, status_reason = '', updated_at = $2 WHERE id = $3 AND status IN ("+
		db.InList(&args, from)+")", args...)
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
			return db.ErrNotFound
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
// Recording it again corrects it and moves the follow-ups not yet done. It checks
// none of the rules a person's exit must follow (see CheckExit), nor frees seats
// (see Exit): the demo and the tests record past exits with it.
func RecordExit(ctx context.Context, d *db.DB, id int64, outcome, reason string, on time.Time, staffID int64) error {
	if !slices.Contains(ExitOutcomes, outcome) {
		return fmt.Errorf("unknown exit outcome %q", outcome)
	}
	return d.Tx(ctx, func(tx *sql.Tx) error { return recordExit(ctx, tx, id, outcome, reason, on, staffID) })
}

func recordExit(ctx context.Context, tx *sql.Tx, id int64, outcome, reason string, on time.Time, staffID int64) error {
	day := on.Format(time.DateOnly)
	now := db.Now()
	var antenna int64
	err := tx.QueryRowContext(ctx, `UPDATE learners SET status = $1, status_reason = $2, exited_on = $3, updated_at = $4
		WHERE id = $5 AND merged_into IS NULL RETURNING antenna_id`, outcome, reason, day, now, id).Scan(&antenna)
	if err != nil {
		return db.NotFound(err)
	}
	for i, m := range Milestones {
		due := on.AddDate(0, 3*(i+1), 0).Format(time.DateOnly)
		if _, err := tx.ExecContext(ctx, `INSERT INTO learner_followups (learner_id, milestone, due_on, antenna_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (learner_id, milestone) DO UPDATE SET due_on = excluded.due_on WHERE learner_followups.recorded_at = ''`,
			id, m, due, antenna); err != nil {
			return err
		}
	}
	return addHistory(ctx, tx, id, "status", outcome, reason, staffID, now)
}

// FollowUpPageSize is how many follow-ups the list of those to do (package
// followups) shows at once.
const FollowUpPageSize = 50

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
	return db.Collect[*FollowUp](rows, err)(func(r db.Scanner) (*FollowUp, error) {
		f := &FollowUp{LearnerID: id}
		var due, rec string
		if err := r.Scan(&f.Milestone, &due, &f.Situation, &f.Note, &f.StaffName, &rec); err != nil {
			return nil, err
		}
		f.DueOn, _ = time.Parse(time.DateOnly, due)
		f.RecordedAt = db.ParseTime(rec)
		f.Overdue = rec == "" && due < time.Now().Format(time.DateOnly)
		return f, nil
	})
}

// Event is one line of a file's timeline.
type Event struct {
	At        time.Time
	Kind      string    // registered, status, edited, merged, not_duplicate, secondary, contact, note, followup, positioning
	Status    string    // the status after a step; a follow-up's situation; a secondary contact's kind
	Detail    string    // a reason or cohort; a contact's kind; a follow-up's milestone; a secondary contact
	Text      string    // a note; a contact's or follow-up's note
	Interview time.Time // for a contact: the interview booked, on the antenna's clock
	StaffName string
	TestID    int64 // for a positioning test: the test, its score and level
	Percent   int
	Level     string
}

// Timeline gathers a file's history, contacts, notes and recorded follow-ups,
// newest first.
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
		UNION ALL
		SELECT n.at, 'partner_note', CASE WHEN n.interpreter THEN 'interpreter' ELSE '' END, n.language, n.body, '',
				pc.name || ' (' || o.name || ')'
			FROM referral_notes n JOIN referral_people rp ON rp.id = n.person_id
			JOIN partner_contacts pc ON pc.id = n.contact_id JOIN partner_orgs o ON o.id = pc.org_id
			WHERE rp.learner_id = $1`, id)
	out, err := db.Collect[*Event](rows, err)(func(r db.Scanner) (*Event, error) {
		e := &Event{}
		var at, interview string
		if err := r.Scan(&at, &e.Kind, &e.Status, &e.Detail, &e.Text, &interview, &e.StaffName); err != nil {
			return nil, err
		}
		e.At = db.ParseTime(at)
		e.Interview, _ = time.Parse("2006-01-02 15:04", interview)
		return e, nil
	})
	SortTimeline(out)
	return out, err
}

// SortTimeline puts events newest first; within the same second, the registration
// comes last (it began the file).
func SortTimeline(events []*Event) {
	sort.SliceStable(events, func(i, j int) bool {
		if !events[i].At.Equal(events[j].At) {
			return events[i].At.After(events[j].At)
		}
		return events[j].Kind == "registered" && events[i].Kind != "registered"
	})
}

// progress orders statuses by how far along the path they are, to keep the more
// advanced one when two files are merged.
var progress = map[string]int{
	Received: 0, Contacted: 1, Positioned: 2, Oriented: 3, NotEligible: 3, Waitlisted: 3, Offered: 4,
	Enrolled: 5, InTraining: 6, Completed: 7, Certified: 7, Dropped: 7,
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
		return afterWithdrawal(ctx, d, id, false)
	case training.CohortCancelled:
		return afterWithdrawal(ctx, d, id, true)
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

// When the cohort was cancelled, a person in training in it goes back too, and
// the step says why (CohortCancelledDetail).
func afterWithdrawal(ctx context.Context, d *db.DB, id int64, cancelled bool) error {
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
	detail, alsoBefore := "", Enrolled
	if cancelled {
		pending, detail, alsoBefore = append(pending, InTraining), CohortCancelledDetail, InTraining
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		target := best
		if target == "" {
			// Where the person was before being enrolled, waitlisted or offered a seat.
			err := tx.QueryRowContext(ctx, `SELECT status FROM learner_history WHERE learner_id = $1 AND status <> ''
				AND status NOT IN ($2, $3, $4, $5) ORDER BY at DESC, id DESC LIMIT 1`, id, Enrolled, Offered, Waitlisted, alsoBefore).Scan(&target)
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
		return moveIf(ctx, tx, id, target, detail, 0, db.Now(), from)
	})
}

// CohortCancelledDetail is the detail of the step that takes a person back when
// their cohort is cancelled; the file shows it in words.
const CohortCancelledDetail = "cohort_cancelled"

// markPositioned moves a person to "positioned" after a test, unless a decision
// has already taken them further.
func markPositioned(ctx context.Context, d *db.DB, id int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		return moveIf(ctx, tx, id, Positioned, "", 0, db.Now(), []string{Received, Contacted})
	})
}

// RecordHire records a job that starts on starts as the person's situation at
// each follow-up not yet recorded that falls due on or after that day (the
// dashboards and funder reports count them as positive exits); a follow-up
// already recorded by an adviser is left as it is. It returns how many it
// recorded: none for a person still in training (their follow-ups come with
// their exit).
func RecordHire(ctx context.Context, d *db.DB, id int64, situation, note string, starts time.Time) (int64, error) {
	if !slices.Contains(FollowUpSituations, situation) {
		return 0, fmt.Errorf("unknown follow-up situation %q", situation)
	}
	res, err := d.Exec(ctx, `UPDATE learner_followups SET situation = $1, note = $2, recorded_at = $3
		WHERE learner_id = $4 AND recorded_at = '' AND due_on >= $5`, situation, note, db.Now(), id, starts.Format(time.DateOnly))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
