package civic

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/volunteers"
)

// Errors a contract can meet that the form explains.
var (
	// ErrQuota: the approval's posts are all taken at some moment of the period.
	ErrQuota = errors.New("civic: the approval's posts are all taken")
	// ErrPlaces: the offer's places are all taken at some moment of the period
	// (a replacement after someone left is not refused).
	ErrPlaces = errors.New("civic: the offer's places are all taken")
	// ErrApprovalPeriod: the approval does not cover the contract's antenna and dates.
	ErrApprovalPeriod = errors.New("civic: the approval does not cover the contract")
	// ErrNotAccepted: only an accepted applicant gets a contract, once.
	ErrNotAccepted = errors.New("civic: the application is not accepted or has a contract")
	// ErrState: the application cannot go to that state from where it is.
	ErrState = errors.New("civic: not a possible move")
)

func day(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

func dayString(t time.Time) string { return t.Format(time.DateOnly) }

// --- Approvals ---------------------------------------------------------------

// Approval is an agrément: a number, a validity and a quota of posts, for
// some antennas.
type Approval struct {
	ID           int64
	Number       string
	From, To     time.Time
	Posts        int
	Antennas     []int64
	AntennaNames string
	Used         int // contracts running today
}

const approvalCols = `p.id, p.number, p.valid_from, p.valid_to, p.posts,
	(SELECT COUNT(*) FROM civic_contracts c WHERE c.approval_id = p.id AND c.starts_on <= $1 AND c.ends_on >= $1)`

func scanApproval(row db.Scanner) (*Approval, error) {
	var a Approval
	var from, to string
	err := row.Scan(&a.ID, &a.Number, &from, &to, &a.Posts, &a.Used)
	a.From, a.To = day(from), day(to)
	return &a, err
}

// inScope is the condition that an approval covers one of the scope's antennas.
func inScope(sc auth.Scope, args *db.Args) string {
	return "EXISTS (SELECT 1 FROM civic_approval_antennas x WHERE x.approval_id = p.id AND " + sc.Where("x.antenna_id", args) + ")"
}

// Approvals lists the approvals covering the scope's antennas, latest first.
func Approvals(ctx context.Context, d *db.DB, sc auth.Scope, today time.Time) ([]*Approval, error) {
	args := db.Args{dayString(today)}
	list, err := db.Collect[*Approval](d.QueryContext(ctx, "SELECT "+approvalCols+" FROM civic_approvals p WHERE "+
		inScope(sc, &args)+" ORDER BY p.valid_to DESC, p.id DESC LIMIT 200", args...))(scanApproval)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if err := approvalAntennas(ctx, d, a); err != nil {
			return nil, err
		}
	}
	return list, nil
}

func approvalAntennas(ctx context.Context, d *db.DB, a *Approval) error {
	var names []string
	a.Antennas = nil
	err := db.Each(d.QueryContext(ctx, `SELECT x.antenna_id, n.name FROM civic_approval_antennas x JOIN antennas n ON n.id = x.antenna_id
		WHERE x.approval_id = $1 ORDER BY n.name`, a.ID))(func(row db.Scanner) error {
		var id int64
		var name string
		err := row.Scan(&id, &name)
		a.Antennas, names = append(a.Antennas, id), append(names, name)
		return err
	})
	a.AntennaNames = strings.Join(names, ", ")
	return err
}

// ApprovalByID returns an approval covering one of the scope's antennas.
func ApprovalByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64, today time.Time) (*Approval, error) {
	args := db.Args{dayString(today), id}
	a, err := scanApproval(d.QueryRowContext(ctx, "SELECT "+approvalCols+" FROM civic_approvals p WHERE p.id = $2 AND "+inScope(sc, &args), args...))
	if err != nil {
		return nil, db.NotFound(err)
	}
	return a, approvalAntennas(ctx, d, a)
}

// SaveApproval creates (ID 0) or changes an approval and the antennas it covers.
func SaveApproval(ctx context.Context, d *db.DB, a *Approval) error {
	now := db.Now()
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if a.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO civic_approvals (number, valid_from, valid_to, posts, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, a.Number, dayString(a.From), dayString(a.To), a.Posts, now).Scan(&a.ID)
			if err != nil {
				return err
			}
		} else {
			if _, err := tx.ExecContext(ctx, `UPDATE civic_approvals SET number = $1, valid_from = $2, valid_to = $3, posts = $4, updated_at = $5
				WHERE id = $6`, a.Number, dayString(a.From), dayString(a.To), a.Posts, now, a.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM civic_approval_antennas WHERE approval_id = $1", a.ID); err != nil {
				return err
			}
		}
		for _, ant := range a.Antennas {
			if _, err := tx.ExecContext(ctx, "INSERT INTO civic_approval_antennas (approval_id, antenna_id) VALUES ($1, $2)", a.ID, ant); err != nil {
				return err
			}
		}
		return nil
	})
}

// ApprovalsFor lists the approvals covering an antenna, for a contract's form.
func ApprovalsFor(ctx context.Context, d *db.DB, antennaID int64, today time.Time) ([]*Approval, error) {
	return db.Collect[*Approval](d.QueryContext(ctx, "SELECT "+approvalCols+` FROM civic_approvals p
		JOIN civic_approval_antennas x ON x.approval_id = p.id WHERE x.antenna_id = $2 AND p.valid_to >= $1
		ORDER BY p.valid_to DESC LIMIT 50`, dayString(today), antennaID))(scanApproval)
}

// --- Offers ------------------------------------------------------------------

// Offer is a civic-service mission offer.
type Offer struct {
	ID, AntennaID               int64
	AntennaName, AntennaCity    string
	Title, Description, Tasks   string
	Audience, Schedule, Address string
	Minors, StepFree            bool
	Remote, Domain, State       string
	Months, Places              int
	Start                       time.Time
	Applications                int
}

const offerCols = `o.id, o.antenna_id, n.name, n.city, o.title, o.description, o.tasks, o.audience, o.schedule, o.address,
	o.minors, o.step_free, o.remote, o.domain, o.state, o.months, o.places, o.starts_on,
	(SELECT COUNT(*) FROM civic_applications a WHERE a.offer_id = o.id)
	FROM civic_offers o JOIN antennas n ON n.id = o.antenna_id`

func scanOffer(row db.Scanner) (*Offer, error) {
	var o Offer
	var start string
	err := row.Scan(&o.ID, &o.AntennaID, &o.AntennaName, &o.AntennaCity, &o.Title, &o.Description, &o.Tasks, &o.Audience,
		&o.Schedule, &o.Address, &o.Minors, &o.StepFree, &o.Remote, &o.Domain, &o.State, &o.Months, &o.Places, &start, &o.Applications)
	o.Start = day(start)
	return &o, err
}

// Offers lists the scope's offers, the coming ones first, a page at a time.
func Offers(ctx context.Context, d *db.DB, sc auth.Scope, limit, offset int) ([]*Offer, error) {
	args := db.Args{}
	where := sc.Where("o.antenna_id", &args)
	return db.Collect[*Offer](d.QueryContext(ctx, "SELECT "+offerCols+" WHERE "+where+
		" ORDER BY CASE o.state WHEN 'published' THEN 0 WHEN 'draft' THEN 1 ELSE 2 END, o.starts_on DESC, o.id DESC LIMIT "+
		args.Add(limit)+" OFFSET "+args.Add(offset), args...))(scanOffer)
}

// OfferByID returns one of the scope's offers.
func OfferByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Offer, error) {
	args := db.Args{id}
	o, err := scanOffer(d.QueryRowContext(ctx, "SELECT "+offerCols+" WHERE o.id = $1 AND "+sc.Where("o.antenna_id", &args), args...))
	return o, db.NotFound(err)
}

// open is what makes an offer public: published, with a place not taken by a
// contract still running on day $1.
const open = ` WHERE o.state = 'published' AND (SELECT COUNT(*) FROM civic_contracts c WHERE c.offer_id = o.id AND c.ends_on >= $1) < o.places`

// Published lists the offers anyone may read on day today, the soonest first:
// an offer whose places are all taken is no longer shown.
func Published(ctx context.Context, d *db.DB, today time.Time, limit, offset int) ([]*Offer, error) {
	return db.Collect[*Offer](d.QueryContext(ctx, "SELECT "+offerCols+open+" ORDER BY o.starts_on, o.id LIMIT $2 OFFSET $3",
		dayString(today), limit, offset))(scanOffer)
}

// PublishedByID returns an offer anyone may read on day today.
func PublishedByID(ctx context.Context, d *db.DB, id int64, today time.Time) (*Offer, error) {
	o, err := scanOffer(d.QueryRowContext(ctx, "SELECT "+offerCols+open+" AND o.id = $2", dayString(today), id))
	return o, db.NotFound(err)
}

// SaveOffer creates (ID 0) or changes an offer.
func SaveOffer(ctx context.Context, d *db.DB, o *Offer) error {
	now := db.Now()
	if o.ID == 0 {
		return d.QueryRowContext(ctx, `INSERT INTO civic_offers (antenna_id, title, description, tasks, audience, schedule, address,
			minors, step_free, remote, domain, state, months, places, starts_on, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
			o.AntennaID, o.Title, o.Description, o.Tasks, o.Audience, o.Schedule, o.Address, o.Minors, o.StepFree, o.Remote,
			o.Domain, o.State, o.Months, o.Places, dayString(o.Start), now).Scan(&o.ID)
	}
	_, err := d.ExecContext(ctx, `UPDATE civic_offers SET antenna_id = $1, title = $2, description = $3, tasks = $4, audience = $5,
		schedule = $6, address = $7, minors = $8, step_free = $9, remote = $10, domain = $11, state = $12, months = $13, places = $14,
		starts_on = $15, updated_at = $16 WHERE id = $17`,
		o.AntennaID, o.Title, o.Description, o.Tasks, o.Audience, o.Schedule, o.Address, o.Minors, o.StepFree, o.Remote,
		o.Domain, o.State, o.Months, o.Places, dayString(o.Start), now, o.ID)
	return err
}

// --- Applications ------------------------------------------------------------

// Application is a young person's application to an offer.
type Application struct {
	ID, OfferID, AntennaID       int64
	OfferTitle                   string
	FirstName, LastName          string
	Phone, Email, Lang           string
	Birth                        time.Time
	Disability                   bool
	Message, Availability, Heard string
	State, DeclineReason         string
	InterviewAt                  time.Time
	InterviewPlace               string
	CreatedAt                    time.Time
	ContractID                   int64
}

const applicationCols = `a.id, a.offer_id, a.antenna_id, o.title, a.first_name, a.last_name, a.phone, a.email, a.lang, a.birth_date,
	a.disability, a.message, a.availability, a.heard, a.state, a.decline_reason, a.interview_at, a.interview_place, a.created_at,
	COALESCE((SELECT c.id FROM civic_contracts c WHERE c.application_id = a.id), 0)
	FROM civic_applications a JOIN civic_offers o ON o.id = a.offer_id`

func scanApplication(row db.Scanner) (*Application, error) {
	var a Application
	var birth, interview, created string
	err := row.Scan(&a.ID, &a.OfferID, &a.AntennaID, &a.OfferTitle, &a.FirstName, &a.LastName, &a.Phone, &a.Email, &a.Lang, &birth,
		&a.Disability, &a.Message, &a.Availability, &a.Heard, &a.State, &a.DeclineReason, &interview, &a.InterviewPlace, &created, &a.ContractID)
	a.Birth, a.InterviewAt, a.CreatedAt = day(birth), db.ParseTime(interview), db.ParseTime(created)
	return &a, err
}

// Apply stores an application in tx.
func Apply(ctx context.Context, tx *sql.Tx, a *Application, addressKey string) error {
	now := db.Now()
	a.State = "new"
	return tx.QueryRowContext(ctx, `INSERT INTO civic_applications (offer_id, antenna_id, first_name, last_name, phone, email, lang,
		birth_date, disability, message, availability, heard, address_key, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
		a.OfferID, a.AntennaID, a.FirstName, a.LastName, a.Phone, a.Email, a.Lang, dayString(a.Birth), a.Disability,
		a.Message, a.Availability, a.Heard, addressKey, now).Scan(&a.ID)
}

// RecentFrom counts the applications sent from an address since a time.
func RecentFrom(ctx context.Context, d *db.DB, addressKey string, since time.Time, limit int) (int, error) {
	return d.CountAtMost(ctx, "SELECT 1 FROM civic_applications WHERE address_key = $1 AND created_at >= $2", limit, addressKey, db.FormatTime(since))
}

// Applications lists an offer's applications (the offer in the scope), newest
// first, a page at a time.
func Applications(ctx context.Context, d *db.DB, sc auth.Scope, offerID int64, limit, offset int) ([]*Application, error) {
	args := db.Args{offerID}
	where := sc.Where("a.antenna_id", &args)
	return db.Collect[*Application](d.QueryContext(ctx, "SELECT "+applicationCols+" WHERE a.offer_id = $1 AND "+where+
		" ORDER BY a.id DESC LIMIT "+args.Add(limit)+" OFFSET "+args.Add(offset), args...))(scanApplication)
}

// ApplicationByID returns an application of the scope's antennas.
func ApplicationByID(ctx context.Context, d db.Execer, sc auth.Scope, id int64) (*Application, error) {
	args := db.Args{id}
	a, err := scanApplication(d.QueryRowContext(ctx, "SELECT "+applicationCols+" WHERE a.id = $1 AND "+sc.Where("a.antenna_id", &args), args...))
	return a, db.NotFound(err)
}

// Event is one step of an application's history.
type Event struct {
	State, Reason, Note, By string
	At                      time.Time
}

// Events is an application's history, oldest first.
func Events(ctx context.Context, d *db.DB, applicationID int64) ([]Event, error) {
	return db.Collect[Event](d.QueryContext(ctx, `SELECT e.state, e.reason, e.note, COALESCE(s.name, ''), e.at FROM civic_application_events e
		LEFT JOIN staff s ON s.id = e.by_staff WHERE e.application_id = $1 ORDER BY e.id LIMIT 100`, applicationID))(
		func(row db.Scanner) (Event, error) {
			var e Event
			var at string
			err := row.Scan(&e.State, &e.Reason, &e.Note, &e.By, &at)
			e.At = db.ParseTime(at)
			return e, err
		})
}

// Move changes an application's state in tx and logs who did it; a decline
// carries its reason; an interview its time and place (note).
func Move(ctx context.Context, tx *sql.Tx, a *Application, to, reason string, at time.Time, place string, by int64) error {
	if !CanMove(a.State, to) && !(a.State == "interview" && to == "interview") {
		return ErrState
	}
	now := db.Now()
	interview, note := "", ""
	if to == "interview" && !at.IsZero() {
		interview, note = db.FormatTime(at), place
	}
	res, err := tx.ExecContext(ctx, `UPDATE civic_applications SET state = $1, decline_reason = $2,
		interview_at = CASE WHEN $3 = '' THEN interview_at ELSE $3 END, interview_place = CASE WHEN $3 = '' THEN interview_place ELSE $4 END,
		updated_at = $5 WHERE id = $6 AND state = $7`, to, reason, interview, place, now, a.ID, a.State)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrState
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO civic_application_events (application_id, state, reason, note, by_staff, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.ID, to, reason, note, db.NullID(by), now)
	if err == nil {
		a.State = to
	}
	return err
}

// --- Contracts ---------------------------------------------------------------

// Contract is an accepted applicant's civic-service contract.
type Contract struct {
	ID, ApplicationID, ApprovalID, OfferID, AntennaID, TutorID int64
	VolunteerID                                                int64
	Start, End                                                 time.Time
	WeeklyHours, Days                                          int
	SocialTopup                                                bool
	// Read with the contract.
	FirstName, LastName, Lang, Phone, Email string
	Birth                                   time.Time
	OfferTitle, Domain, TutorName           string
	ApprovalNumber, AntennaName             string
}

// CreateContract stores a contract and its obligations in one transaction that
// holds the approval's row, so that two managers taking the last post at once
// cannot both succeed: the approval must cover the contract's antenna and dates,
// and fewer than its posts be running at every moment of them.
func CreateContract(ctx context.Context, d *db.DB, c *Contract, by int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var posts int
		var from, to string
		// An update that changes nothing locks the row on PostgreSQL (SQLite
		// transactions already hold the writer).
		err := tx.QueryRowContext(ctx, `UPDATE civic_approvals SET posts = posts WHERE id = $1
			AND EXISTS (SELECT 1 FROM civic_approval_antennas x WHERE x.approval_id = civic_approvals.id AND x.antenna_id = $2)
			RETURNING posts, valid_from, valid_to`, c.ApprovalID, c.AntennaID).Scan(&posts, &from, &to)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrApprovalPeriod
		}
		if err != nil {
			return err
		}
		if c.Start.Before(day(from)) || c.End.After(day(to)) {
			return ErrApprovalPeriod
		}
		periods, err := db.Collect[[2]time.Time](tx.QueryContext(ctx, `SELECT starts_on, ends_on FROM civic_contracts
			WHERE approval_id = $1 AND starts_on <= $3 AND ends_on >= $2`, c.ApprovalID, dayString(c.Start), dayString(c.End)))(
			func(row db.Scanner) ([2]time.Time, error) {
				var s, e string
				err := row.Scan(&s, &e)
				return [2]time.Time{day(s), day(e)}, err
			})
		if err != nil {
			return err
		}
		if Running(periods, c.Start, c.End) >= posts {
			return ErrQuota
		}
		// The offer's places, held the same way.
		var places int
		if err := tx.QueryRowContext(ctx, `UPDATE civic_offers SET places = places WHERE id = $1 AND antenna_id = $2 RETURNING places`,
			c.OfferID, c.AntennaID).Scan(&places); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotAccepted
			}
			return err
		}
		periods, err = db.Collect[[2]time.Time](tx.QueryContext(ctx, `SELECT starts_on, ends_on FROM civic_contracts
			WHERE offer_id = $1 AND starts_on <= $3 AND ends_on >= $2`, c.OfferID, dayString(c.Start), dayString(c.End)))(
			func(row db.Scanner) ([2]time.Time, error) {
				var s, e string
				err := row.Scan(&s, &e)
				return [2]time.Time{day(s), day(e)}, err
			})
		if err != nil {
			return err
		}
		if Running(periods, c.Start, c.End) >= places {
			return ErrPlaces
		}
		var state string
		if err := tx.QueryRowContext(ctx, `SELECT state FROM civic_applications WHERE id = $1 AND antenna_id = $2
			AND NOT EXISTS (SELECT 1 FROM civic_contracts c WHERE c.application_id = civic_applications.id)`,
			c.ApplicationID, c.AntennaID).Scan(&state); err != nil || state != "accepted" {
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			return ErrNotAccepted
		}
		// The civic volunteer is one of the antenna's volunteers: shifts, hours.
		if c.VolunteerID == 0 {
			v := &volunteers.Volunteer{AntennaID: c.AntennaID}
			if err := tx.QueryRowContext(ctx, `SELECT first_name, last_name, phone, email, lang FROM civic_applications WHERE id = $1`,
				c.ApplicationID).Scan(&v.FirstName, &v.LastName, &v.Phone, &v.Email, &v.Lang); err != nil {
				return err
			}
			if c.VolunteerID, err = volunteers.Enlist(ctx, tx, v, by, time.Now()); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO civic_contracts (application_id, volunteer_id, approval_id, offer_id, antenna_id,
			tutor_id, starts_on, ends_on, weekly_hours, days_per_week, social_topup, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			c.ApplicationID, db.NullID(c.VolunteerID), c.ApprovalID, c.OfferID, c.AntennaID, c.TutorID, dayString(c.Start),
			dayString(c.End), c.WeeklyHours, c.Days, c.SocialTopup, db.NullID(by), db.Now()).Scan(&c.ID); err != nil {
			if db.IsUniqueViolation(err) {
				return ErrNotAccepted
			}
			return err
		}
		b := db.NewBatch(ctx, tx, "civic_obligations", "contract_id", "kind", "due_on")
		for _, o := range Schedule(c.Start, c.End) {
			if err := b.Add(c.ID, o.Kind, dayString(o.On)); err != nil {
				return err
			}
		}
		return b.Flush()
	})
}

const contractCols = `c.id, c.application_id, c.approval_id, c.offer_id, c.antenna_id, c.tutor_id, COALESCE(c.volunteer_id, 0),
	c.starts_on, c.ends_on, c.weekly_hours, c.days_per_week, c.social_topup,
	a.first_name, a.last_name, a.lang, a.phone, a.email, a.birth_date, o.title, o.domain, s.name, p.number, n.name
	FROM civic_contracts c JOIN civic_applications a ON a.id = c.application_id JOIN civic_offers o ON o.id = c.offer_id
	JOIN staff s ON s.id = c.tutor_id JOIN civic_approvals p ON p.id = c.approval_id JOIN antennas n ON n.id = c.antenna_id`

func scanContract(row db.Scanner) (*Contract, error) {
	var c Contract
	var s, e, b string
	err := row.Scan(&c.ID, &c.ApplicationID, &c.ApprovalID, &c.OfferID, &c.AntennaID, &c.TutorID, &c.VolunteerID, &s, &e,
		&c.WeeklyHours, &c.Days, &c.SocialTopup, &c.FirstName, &c.LastName, &c.Lang, &c.Phone, &c.Email, &b,
		&c.OfferTitle, &c.Domain, &c.TutorName, &c.ApprovalNumber, &c.AntennaName)
	c.Start, c.End, c.Birth = day(s), day(e), day(b)
	return &c, err
}

// ContractByID returns a contract of the scope's antennas.
func ContractByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Contract, error) {
	args := db.Args{id}
	c, err := scanContract(d.QueryRowContext(ctx, "SELECT "+contractCols+" WHERE c.id = $1 AND "+sc.Where("c.antenna_id", &args), args...))
	return c, db.NotFound(err)
}

// Contracts lists the scope's contracts running on or after a day.
func Contracts(ctx context.Context, d *db.DB, sc auth.Scope, since time.Time, limit int) ([]*Contract, error) {
	args := db.Args{dayString(since)}
	where := sc.Where("c.antenna_id", &args)
	return db.Collect[*Contract](d.QueryContext(ctx, "SELECT "+contractCols+" WHERE c.ends_on >= $1 AND "+where+
		" ORDER BY c.starts_on, c.id LIMIT "+args.Add(limit), args...))(scanContract)
}

// --- Obligations ---------------------------------------------------------------

// Obligation is one thing a contract obliges, with its due date.
type Obligation struct {
	ID, ContractID      int64
	Kind                string
	Due, Done           time.Time
	FirstName, LastName string
	AntennaName, DoneBy string
	IsLate              bool // set by Mark
}

// Mark sets IsLate on each obligation for today.
func Mark(list []*Obligation, today time.Time) {
	for _, o := range list {
		o.IsLate = o.Done.IsZero() && o.Due.Before(day(dayString(today)))
	}
}

const obligationCols = `b.id, b.contract_id, b.kind, b.due_on, b.done_on, a.first_name, a.last_name, n.name, COALESCE(s.name, '')
	FROM civic_obligations b JOIN civic_contracts c ON c.id = b.contract_id JOIN civic_applications a ON a.id = c.application_id
	JOIN antennas n ON n.id = c.antenna_id LEFT JOIN staff s ON s.id = b.done_by`

func scanObligation(row db.Scanner) (*Obligation, error) {
	var o Obligation
	var due, done string
	err := row.Scan(&o.ID, &o.ContractID, &o.Kind, &due, &done, &o.FirstName, &o.LastName, &o.AntennaName, &o.DoneBy)
	o.Due, o.Done = day(due), day(done)
	return &o, err
}

// Obligations lists a contract's obligations by due date.
func Obligations(ctx context.Context, d *db.DB, contractID int64) ([]*Obligation, error) {
	return db.Collect[*Obligation](d.QueryContext(ctx, "SELECT "+obligationCols+
		" WHERE b.contract_id = $1 ORDER BY b.due_on, b.id LIMIT 100", contractID))(scanObligation)
}

// DueSoon lists the scope's obligations not done and due before until (late
// ones first), a page at a time.
func DueSoon(ctx context.Context, d *db.DB, sc auth.Scope, until time.Time, limit, offset int) ([]*Obligation, error) {
	args := db.Args{dayString(until)}
	where := sc.Where("c.antenna_id", &args)
	return db.Collect[*Obligation](d.QueryContext(ctx, "SELECT "+obligationCols+" WHERE b.done_on = '' AND b.due_on <= $1 AND "+where+
		" ORDER BY b.due_on, b.id LIMIT "+args.Add(limit)+" OFFSET "+args.Add(offset), args...))(scanObligation)
}

// LateCount counts the scope's obligations past due on today, up to limit.
func LateCount(ctx context.Context, d *db.DB, sc auth.Scope, today time.Time, limit int) (int, error) {
	args := db.Args{dayString(today)}
	where := sc.Where("c.antenna_id", &args)
	return d.CountAtMost(ctx, `SELECT 1 FROM civic_obligations b JOIN civic_contracts c ON c.id = b.contract_id
		WHERE b.done_on = '' AND b.due_on < $1 AND `+where, limit, args...)
}

// DueCount counts the scope's obligations not done and due from today to
// DueWithin days after (not yet late), up to limit.
func DueCount(ctx context.Context, d *db.DB, sc auth.Scope, today time.Time, limit int) (int, error) {
	args := db.Args{dayString(today), dayString(today.AddDate(0, 0, DueWithin))}
	where := sc.Where("c.antenna_id", &args)
	return d.CountAtMost(ctx, `SELECT 1 FROM civic_obligations b JOIN civic_contracts c ON c.id = b.contract_id
		WHERE b.done_on = '' AND b.due_on >= $1 AND b.due_on <= $2 AND `+where, limit, args...)
}

// MarkDone records an obligation of the scope's antennas as done on a day.
func MarkDone(ctx context.Context, d *db.DB, sc auth.Scope, id int64, on time.Time, by int64) (contractID int64, err error) {
	args := db.Args{dayString(on), by, id}
	where := sc.Where("c.antenna_id", &args)
	err = d.QueryRowContext(ctx, `UPDATE civic_obligations SET done_on = $1, done_by = $2 WHERE id = $3
		AND contract_id IN (SELECT c.id FROM civic_contracts c WHERE `+where+`) RETURNING contract_id`, args...).Scan(&contractID)
	return contractID, db.NotFound(err)
}

// --- Indemnity ---------------------------------------------------------------

// Indemnity is the monthly indemnity in force on a day, in euro cents: the
// State's share, the host's minimum share and the social top-up, with where
// each figure comes from.
type Indemnity struct {
	State, Host, Topup             int
	StateFrom, HostFrom, TopupFrom time.Time
	Sources                        []string
}

// IndemnityOn reads the amounts in force on a day.
func IndemnityOn(ctx context.Context, d *db.DB, on time.Time) (*Indemnity, error) {
	var ind Indemnity
	err := db.Each(d.QueryContext(ctx, `SELECT i.part, i.from_on, i.cents, i.source FROM civic_indemnity i
		WHERE i.from_on = (SELECT MAX(j.from_on) FROM civic_indemnity j WHERE j.part = i.part AND j.from_on <= $1)
		ORDER BY i.part`, dayString(on)))(func(row db.Scanner) error {
		var part, from, source string
		var cents int
		if err := row.Scan(&part, &from, &cents, &source); err != nil {
			return err
		}
		switch part {
		case "state":
			ind.State, ind.StateFrom = cents, day(from)
		case "host":
			ind.Host, ind.HostFrom = cents, day(from)
		case "topup":
			ind.Topup, ind.TopupFrom = cents, day(from)
		}
		ind.Sources = append(ind.Sources, source)
		return nil
	})
	return &ind, err
}

// Total is what the volunteer receives a month, with the top-up when due.
func (i *Indemnity) Total(topup bool) int {
	t := i.State + i.Host
	if topup {
		t += i.Topup
	}
	return t
}
