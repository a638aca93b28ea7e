package donations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tremplin/internal/platform/db"
)

// Skills sponsorship (mécénat de compétences): a company lends employees'
// working time under an agreement. A session counts only once its named
// attendance sheet has come back signed by both sides; its time is valued at the
// hourly cost the company declares for each employee, within the legal cap per
// employee and year, and the year's valuation becomes a gift of kind "skills"
// that a CERFA 16216 receipts like any other.

// Agreement is a skills-sponsorship agreement with a company.
type Agreement struct {
	ID, DonorID     int64
	Title           string
	From, To        time.Time
	SignedOn        time.Time
	Employees       []*Employee
	Sessions        []*Session
	DonorName       string
	EmployeesCount  int
	SignedSessions  int
	PendingSessions int
}

// Employee is one of the company's employees lent under an agreement.
type Employee struct {
	ID, AgreementID int64
	Name, Job       string
	HourlyCents     int64
}

// Session kinds: what the employees came to do.
var SessionKinds = []string{"workshop", "mentoring", "jury", "other"}

// Session is one session given under an agreement.
type Session struct {
	ID, AgreementID int64
	Kind            string
	On              time.Time
	Start, End      string // "15:04"
	Minutes         int
	Topic           string
	SignedOn        time.Time // zero until the signed sheet came back
	Attendees       []*Employee
}

// Signed reports whether the session's sheet came back signed by both sides.
func (s *Session) Signed() bool { return !s.SignedOn.IsZero() }

// Hours is the session's length, "2 h 30".
func (s *Session) Hours() string { return hoursText(int64(s.Minutes)) }

func hoursText(minutes int64) string {
	if minutes%60 == 0 {
		return fmt.Sprintf("%d h", minutes/60)
	}
	return fmt.Sprintf("%d h %02d", minutes/60, minutes%60)
}

// What can go wrong with sponsorship.
var (
	ErrNotACompany   = errors.New("donations: skills sponsorship is a company's")
	ErrOutsideDates  = errors.New("donations: the session is outside the agreement's dates")
	ErrNoAttendee    = errors.New("donations: a session needs at least one of the agreement's employees")
	ErrNothingValued = errors.New("donations: no signed session in the year")
	ErrNoCeiling     = errors.New("donations: the social-security ceiling of the year is not known")
)

// AddAgreement records an agreement with an organisation donor.
func AddAgreement(ctx context.Context, d *db.DB, a *Agreement, by int64) error {
	var kind string
	if err := d.QueryRowContext(ctx, "SELECT kind FROM donors WHERE id = $1", a.DonorID).Scan(&kind); err != nil {
		return db.NotFound(err)
	}
	if kind != Organisation {
		return ErrNotACompany
	}
	id, err := d.InsertID(ctx, `INSERT INTO sponsorship_agreements (donor_id, title, starts_on, ends_on, signed_on, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.DonorID, a.Title, a.From.Format(time.DateOnly),
		a.To.Format(time.DateOnly), a.SignedOn.Format(time.DateOnly), db.NullID(by), db.Now())
	a.ID = id
	return err
}

// AddEmployee adds an employee the company lends under the agreement.
func AddEmployee(ctx context.Context, d *db.DB, e *Employee) error {
	id, err := d.InsertID(ctx, `INSERT INTO sponsorship_employees (agreement_id, name, job, hourly_cost_cents, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, e.AgreementID, e.Name, e.Job, e.HourlyCents, db.Now())
	e.ID = id
	return err
}

// AddSession records a session given under the agreement with its named list:
// within the agreement's dates, with employees of this agreement only.
func AddSession(ctx context.Context, d *db.DB, s *Session, attendees []int64, by int64) error {
	if len(attendees) == 0 {
		return ErrNoAttendee
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var from, to string
		if err := tx.QueryRowContext(ctx, "SELECT starts_on, ends_on FROM sponsorship_agreements WHERE id = $1", s.AgreementID).Scan(&from, &to); err != nil {
			return db.NotFound(err)
		}
		if on := s.On.Format(time.DateOnly); on < from || on > to {
			return ErrOutsideDates
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO sponsorship_sessions (agreement_id, kind, on_date, starts_at, ends_at, minutes, topic,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, s.AgreementID, s.Kind,
			s.On.Format(time.DateOnly), s.Start, s.End, s.Minutes, s.Topic, db.NullID(by), db.Now()).Scan(&id); err != nil {
			return err
		}
		s.ID = id
		for _, e := range attendees {
			res, err := tx.ExecContext(ctx, `INSERT INTO sponsorship_attendance (session_id, employee_id)
				SELECT $1, id FROM sponsorship_employees WHERE id = $2 AND agreement_id = $3`, id, e, s.AgreementID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return ErrNoAttendee
			}
		}
		return nil
	})
}

// MarkSigned records that the session's sheet came back signed by both sides,
// on a day that is neither before the session nor after today.
var ErrSignedDate = errors.New("donations: a sheet is signed on or after its session, and not in the future")

// MarkSigned records the signed sheet of a session of the agreement.
func MarkSigned(ctx context.Context, d *db.DB, agreementID, sessionID int64, on, today time.Time, by int64) error {
	var day string
	if err := d.QueryRowContext(ctx, "SELECT on_date FROM sponsorship_sessions WHERE id = $1 AND agreement_id = $2",
		sessionID, agreementID).Scan(&day); err != nil {
		return db.NotFound(err)
	}
	if s := on.Format(time.DateOnly); s < day || s > today.Format(time.DateOnly) {
		return ErrSignedDate
	}
	_, err := d.ExecContext(ctx, "UPDATE sponsorship_sessions SET signed_on = $1, signed_by = $2 WHERE id = $3",
		on.Format(time.DateOnly), db.NullID(by), sessionID)
	return err
}

const agreementCols = `a.id, a.donor_id, a.title, a.starts_on, a.ends_on, a.signed_on,
	CASE o.kind WHEN 'organisation' THEN o.org_name ELSE o.last_name END,
	(SELECT COUNT(*) FROM sponsorship_employees e WHERE e.agreement_id = a.id),
	(SELECT COUNT(*) FROM sponsorship_sessions s WHERE s.agreement_id = a.id AND s.signed_on <> ''),
	(SELECT COUNT(*) FROM sponsorship_sessions s WHERE s.agreement_id = a.id AND s.signed_on = '')
	FROM sponsorship_agreements a JOIN donors o ON o.id = a.donor_id`

func scanAgreement(row db.Scanner) (*Agreement, error) {
	a := &Agreement{}
	var from, to, signed string
	err := row.Scan(&a.ID, &a.DonorID, &a.Title, &from, &to, &signed, &a.DonorName, &a.EmployeesCount, &a.SignedSessions, &a.PendingSessions)
	a.From, _ = time.Parse(time.DateOnly, from)
	a.To, _ = time.Parse(time.DateOnly, to)
	a.SignedOn, _ = time.Parse(time.DateOnly, signed)
	return a, err
}

// AgreementsOf lists a donor's agreements, the latest first.
func AgreementsOf(ctx context.Context, d *db.DB, donorID int64) ([]*Agreement, error) {
	return db.Collect[*Agreement](d.QueryContext(ctx, "SELECT "+agreementCols+" WHERE a.donor_id = $1 ORDER BY a.starts_on DESC, a.id DESC",
		donorID))(scanAgreement)
}

// AgreementOf reads an agreement of the donor, with its employees and sessions.
func AgreementOf(ctx context.Context, d *db.DB, donorID, id int64) (*Agreement, error) {
	a, err := scanAgreement(d.QueryRowContext(ctx, "SELECT "+agreementCols+" WHERE a.id = $1 AND a.donor_id = $2", id, donorID))
	if err != nil {
		return nil, db.NotFound(err)
	}
	byID := map[int64]*Employee{}
	a.Employees, err = db.Collect[*Employee](d.QueryContext(ctx, `SELECT id, name, job, hourly_cost_cents FROM sponsorship_employees
		WHERE agreement_id = $1 ORDER BY name, id`, id))(func(row db.Scanner) (*Employee, error) {
		e := &Employee{AgreementID: id}
		err := row.Scan(&e.ID, &e.Name, &e.Job, &e.HourlyCents)
		byID[e.ID] = e
		return e, err
	})
	if err != nil {
		return nil, err
	}
	bySession := map[int64]*Session{}
	a.Sessions, err = db.Collect[*Session](d.QueryContext(ctx, `SELECT id, kind, on_date, starts_at, ends_at, minutes, topic, signed_on
		FROM sponsorship_sessions WHERE agreement_id = $1 ORDER BY on_date DESC, starts_at DESC, id DESC`, id))(func(row db.Scanner) (*Session, error) {
		s := &Session{AgreementID: id}
		var on, signed string
		err := row.Scan(&s.ID, &s.Kind, &on, &s.Start, &s.End, &s.Minutes, &s.Topic, &signed)
		s.On, _ = time.Parse(time.DateOnly, on)
		s.SignedOn, _ = time.Parse(time.DateOnly, signed)
		bySession[s.ID] = s
		return s, err
	})
	if err != nil {
		return nil, err
	}
	err = db.Each(d.QueryContext(ctx, `SELECT x.session_id, x.employee_id FROM sponsorship_attendance x
		JOIN sponsorship_sessions s ON s.id = x.session_id WHERE s.agreement_id = $1`, id))(func(row db.Scanner) error {
		var s, e int64
		if err := row.Scan(&s, &e); err != nil {
			return err
		}
		if bySession[s] != nil && byID[e] != nil {
			bySession[s].Attendees = append(bySession[s].Attendees, byID[e])
		}
		return nil
	})
	return a, err
}

// Ceiling returns the annual social-security ceiling in force on 1 January of
// year, in cents.
func Ceiling(ctx context.Context, q db.Execer, year int) (int64, error) {
	var cents int64
	err := q.QueryRowContext(ctx, `SELECT annual_cents FROM social_security_ceilings WHERE valid_from <= $1
		ORDER BY valid_from DESC LIMIT 1`, fmt.Sprintf("%04d-01-01", year)).Scan(&cents)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNoCeiling
	}
	return cents, err
}

// CapMultiple is how many annual ceilings an employee's valued time may reach
// in a year (CGI art. 238 bis: remuneration within three times the ceiling).
// The ceiling itself is the dated parameter.
const CapMultiple = 3

// EmployeeValue is one employee's time in a year and what it is worth.
type EmployeeValue struct {
	Employee
	Minutes   int64
	CostCents int64 // at the declared hourly cost
	CapCents  int64
	// ValueCents is the cost within the cap: what the receipt may carry.
	ValueCents int64
}

// Capped reports whether the cap cut the employee's cost.
func (v *EmployeeValue) Capped() bool { return v.ValueCents < v.CostCents }

// Hours is the employee's time, "12 h 30".
func (v *EmployeeValue) Hours() string { return hoursText(v.Minutes) }

// Valuation is an agreement's valued time in a year.
type Valuation struct {
	Year       int
	Employees  []*EmployeeValue
	TotalCents int64
	// Gift is the gift that carries it, once recorded (0 before), and
	// GiftCents what it carries; Receipt the receipt in force, if any.
	Gift      int64
	GiftCents int64
	Receipt   string
}

// Stale reports a recorded valuation that no longer matches the signed sessions.
func (v *Valuation) Stale() bool { return v.Gift != 0 && v.GiftCents != v.TotalCents }

// Value computes an agreement's valuation for a year from its signed sessions.
func Value(ctx context.Context, q db.Execer, agreementID int64, year int) (*Valuation, error) {
	ceiling, err := Ceiling(ctx, q, year)
	if err != nil {
		return nil, err
	}
	v := &Valuation{Year: year}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	v.Employees, err = db.Collect[*EmployeeValue](q.QueryContext(ctx, `SELECT e.id, e.name, e.job, e.hourly_cost_cents, SUM(s.minutes)
		FROM sponsorship_employees e JOIN sponsorship_attendance x ON x.employee_id = e.id
		JOIN sponsorship_sessions s ON s.id = x.session_id
		WHERE e.agreement_id = $1 AND s.signed_on <> '' AND s.on_date BETWEEN $2 AND $3
		GROUP BY e.id, e.name, e.job, e.hourly_cost_cents ORDER BY e.name, e.id`, agreementID, from, to))(func(row db.Scanner) (*EmployeeValue, error) {
		e := &EmployeeValue{}
		err := row.Scan(&e.ID, &e.Name, &e.Job, &e.HourlyCents, &e.Minutes)
		e.AgreementID = agreementID
		// Rounded to the cent, half up: minutes × cents an hour / 60.
		e.CostCents = (e.Minutes*e.HourlyCents + 30) / 60
		e.CapCents = CapMultiple * ceiling
		e.ValueCents = min(e.CostCents, e.CapCents)
		return e, err
	})
	if err != nil {
		return nil, err
	}
	for _, e := range v.Employees {
		v.TotalCents += e.ValueCents
	}
	err = q.QueryRowContext(ctx, `SELECT g.id, g.amount_cents, COALESCE((SELECT CAST(r.year AS TEXT) || '-' || CAST(r.number AS TEXT)
		FROM receipt_gifts x JOIN receipts r ON r.id = x.receipt_id WHERE x.gift_id = g.id AND x.in_force), '')
		FROM gifts g WHERE g.agreement_id = $1 AND g.agreement_year = $2`, agreementID, year).Scan(&v.Gift, &v.GiftCents, &v.Receipt)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return v, err
}

// RecordValuation writes an agreement's valuation for a year as the gift of
// kind "skills" that a receipt will carry, dated the year's last signed
// session. Recorded again, it follows the signed sessions, unless a receipt in
// force covers it (cancel the receipt first: an issued receipt never changes).
func RecordValuation(ctx context.Context, d *db.DB, agreementID int64, year int, by int64) (*Valuation, error) {
	var v *Valuation
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if v, err = Value(ctx, tx, agreementID, year); err != nil {
			return err
		}
		if v.TotalCents == 0 {
			return ErrNothingValued
		}
		if v.Receipt != "" {
			return ErrReceipted
		}
		var donor int64
		var title, last string
		if err := tx.QueryRowContext(ctx, `SELECT a.donor_id, a.title, MAX(s.on_date) FROM sponsorship_agreements a
			JOIN sponsorship_sessions s ON s.agreement_id = a.id AND s.signed_on <> '' AND s.on_date BETWEEN $2 AND $3
			WHERE a.id = $1 GROUP BY a.donor_id, a.title`, agreementID, fmt.Sprintf("%04d-01-01", year),
			fmt.Sprintf("%04d-12-31", year)).Scan(&donor, &title, &last); err != nil {
			return err
		}
		var minutes int64
		for _, e := range v.Employees {
			minutes += e.Minutes
		}
		what := fmt.Sprintf("Mécénat de compétences « %s » %d : %s, %d salarié(s)", title, year, hoursText(minutes), len(v.Employees))
		now := db.Now()
		if v.Gift != 0 {
			_, err = tx.ExecContext(ctx, `UPDATE gifts SET amount_cents = $1, received_on = $2, description = $3, updated_at = $4
				WHERE id = $5 AND state = 'received'`, v.TotalCents, last, what, now, v.Gift)
		} else {
			err = tx.QueryRowContext(ctx, `INSERT INTO gifts (donor_id, kind, method, amount_cents, received_on, description,
				state, created_by, created_at, updated_at, agreement_id, agreement_year)
				VALUES ($1, 'skills', '', $2, $3, $4, 'received', $5, $6, $6, $7, $8) RETURNING id`,
				donor, v.TotalCents, last, what, db.NullID(by), now, agreementID, year).Scan(&v.Gift)
		}
		v.GiftCents = v.TotalCents
		return err
	})
	return v, err
}
