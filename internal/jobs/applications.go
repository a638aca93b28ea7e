package jobs

// Applications: staff propose a learner who agreed to show a profile to
// recruiters for an open offer; the company answers in its space. Every change
// is logged (who, when) and told to the person and the proposing adviser
// through the outbox, in their language, unless the person turned messages
// off.

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
	"tremplin/internal/profiles"
)

// States of an application, after the national inclusion-jobs platform.
const (
	AppNew         = "new"
	AppProcessing  = "processing"
	AppPostponed   = "postponed"
	AppPriorToHire = "prior_to_hire"
	AppAccepted    = "accepted"
	AppRefused     = "refused"
	AppCancelled   = "cancelled"
	AppObsolete    = "obsolete"
)

// AppStates lists the application states in the order figures show them.
var AppStates = []string{AppNew, AppProcessing, AppPostponed, AppPriorToHire, AppAccepted, AppRefused, AppCancelled, AppObsolete}

// Pending are the states that wait for the company's answer: the daily
// closing refuses those left unchanged too long.
var Pending = []string{AppNew, AppProcessing, AppPostponed, AppPriorToHire}

// Reasons are the refusal reasons (DOMAIN.md); their words are in the
// catalogs under jobs.reason.
var Reasons = []string{"did_not_come", "unavailable", "non_eligible", "eligibility_doubt", "incompatible", "no_position",
	"not_mobile", "poorly_informed", "other"}

// appTransitions are what the company may do with an application in each
// state; staff may also cancel a pending one, and a hire makes the person's
// other pending applications obsolete.
var appTransitions = map[string][]string{
	AppNew:         {AppProcessing, AppPostponed, AppPriorToHire, AppAccepted, AppRefused},
	AppProcessing:  {AppPostponed, AppPriorToHire, AppAccepted, AppRefused},
	AppPostponed:   {AppProcessing, AppPriorToHire, AppAccepted, AppRefused},
	AppPriorToHire: {AppAccepted, AppRefused},
}

// AppNext lists the states a company may move an application in state to.
func AppNext(state string) []string { return appTransitions[state] }

// Errors of proposing an application.
var (
	ErrNoConsent  = errors.New("jobs: the person has not agreed to show a profile")
	ErrNotOpen    = errors.New("jobs: the offer is not open")
	ErrDuplicate  = errors.New("jobs: already proposed for this offer")
	ErrNoReason   = errors.New("jobs: a refusal needs a reason")
	ErrNoStartDay = errors.New("jobs: a hire needs a start date")
)

// Application is a person proposed for an offer.
type Application struct {
	ID, OfferID, LearnerID, AntennaID int64
	Company                           string
	DonorID                           int64
	OfferTitle, Contract              string
	ContractMonths                    int
	Learner                           string // the person's full name (staff's lists)
	State, Reason                     string
	ReasonShared, Automatic           bool
	StartsOn                          time.Time
	ProposedBy                        string
	Source                            string // adviser, or person: asked from an offer's link
	CreatedAt, ChangedAt              time.Time
	// Yours: the viewer's antennas follow the person (staff's offer page):
	// named, their file linked, the application theirs to cancel.
	Yours bool
}

// FromPerson reports whether the person asked for it, from an offer's link.
func (a *Application) FromPerson() bool { return a.Source == SourcePerson }

// Next lists the states the company may move the application to.
func (a *Application) Next() []string { return AppNext(a.State) }

// Pending reports whether the application waits for the company's answer.
func (a *Application) Pending() bool { return slices.Contains(Pending, a.State) }

const appCols = `a.id, a.offer_id, a.learner_id, l.antenna_id, d.org_name, o.donor_id, o.title, o.contract_type, o.contract_months,
	l.first_name || ' ' || l.last_name, a.state, a.reason, a.reason_shared, a.automatic, a.starts_on, COALESCE(s.name, ''),
	a.created_at, a.changed_at, a.source
	FROM job_applications a JOIN job_offers o ON o.id = a.offer_id JOIN donors d ON d.id = o.donor_id
	JOIN learners l ON l.id = a.learner_id LEFT JOIN staff s ON s.id = a.proposed_by`

func scanApp(row db.Scanner) (*Application, error) {
	a := &Application{}
	var starts, created, changed string
	err := row.Scan(&a.ID, &a.OfferID, &a.LearnerID, &a.AntennaID, &a.Company, &a.DonorID, &a.OfferTitle, &a.Contract, &a.ContractMonths, &a.Learner,
		&a.State, &a.Reason, &a.ReasonShared, &a.Automatic, &starts, &a.ProposedBy, &created, &changed, &a.Source)
	a.StartsOn, _ = time.Parse(time.DateOnly, starts)
	a.CreatedAt, a.ChangedAt = db.ParseTime(created), db.ParseTime(changed)
	return a, err
}

// ApplicationOf reads an application to one of a company's offers
// (db.ErrNotFound for another company's).
func ApplicationOf(ctx context.Context, d *db.DB, donorID, offerID, id int64) (*Application, error) {
	a, err := scanApp(d.QueryRowContext(ctx, "SELECT "+appCols+" WHERE a.id = $1 AND a.offer_id = $2 AND o.donor_id = $3", id, offerID, donorID))
	return a, db.NotFound(err)
}

// ApplicationsOfOffer lists an offer's applications, the latest first.
func ApplicationsOfOffer(ctx context.Context, d *db.DB, offerID int64) ([]*Application, error) {
	return db.Collect[*Application](d.QueryContext(ctx, "SELECT "+appCols+" WHERE a.offer_id = $1 ORDER BY a.id DESC LIMIT 500", offerID))(scanApp)
}

// ApplicationsOfLearner lists a person's applications, the latest first:
// their file shows them, and the job of a hire.
func ApplicationsOfLearner(ctx context.Context, d *db.DB, learnerID int64) ([]*Application, error) {
	return db.Collect[*Application](d.QueryContext(ctx, "SELECT "+appCols+" WHERE a.learner_id = $1 ORDER BY a.id DESC LIMIT 100", learnerID))(scanApp)
}

// Propose puts a person forward for an open offer, on behalf of staffID:
// ErrNoConsent unless the person shows a profile to recruiters now,
// ErrNotOpen, ErrDuplicate. The person and the adviser are told.
func (h *Handlers) Propose(ctx context.Context, o *Offer, learnerID, staffID int64) (int64, error) {
	if o.State != Open {
		return 0, ErrNotOpen
	}
	var id int64
	err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
		if !profiles.Visible(ctx, tx, learnerID) {
			return ErrNoConsent
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM job_applications WHERE offer_id = $1 AND learner_id = $2", o.ID, learnerID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrDuplicate
		}
		now := db.Now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO job_applications (offer_id, learner_id, state, proposed_by, created_at, changed_at)
			VALUES ($1, $2, 'new', $3, $4, $4) RETURNING id`, o.ID, learnerID, db.NullID(staffID), now).Scan(&id); err != nil {
			return err
		}
		if err := logApp(ctx, tx, id, AppNew, "", Actor{StaffID: staffID}, now); err != nil {
			return err
		}
		return h.tell(ctx, tx, id)
	})
	return id, err
}

// Change is a change of an application's state.
type Change struct {
	State, Reason string
	ReasonShared  bool
	StartsOn      time.Time // a hire's first day
}

// Move changes an application's state when its present state allows it
// (staff: cancel only), logs it and tells the person and the adviser. A hire
// makes the person's other pending applications obsolete and, through
// OnHire, records the job as the person's situation.
func (h *Handlers) Move(ctx context.Context, a *Application, c Change, by Actor) error {
	allowed := AppNext(a.State)
	if by.StaffID != 0 {
		allowed = nil
		if a.Pending() {
			allowed = []string{AppCancelled}
		}
	}
	if !slices.Contains(allowed, c.State) {
		return ErrTransition
	}
	if c.State == AppRefused && !slices.Contains(Reasons, c.Reason) {
		return ErrNoReason
	}
	if c.State != AppRefused {
		c.Reason, c.ReasonShared = "", false
	}
	if c.State == AppAccepted && c.StartsOn.IsZero() {
		return ErrNoStartDay
	}
	starts := ""
	if c.State == AppAccepted {
		starts = c.StartsOn.Format(time.DateOnly)
	}
	err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `UPDATE job_applications SET state = $1, reason = $2, reason_shared = $3, starts_on = $4,
			changed_at = $5 WHERE id = $6 AND state = $7`, c.State, c.Reason, c.ReasonShared, starts, now, a.ID, a.State)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrTransition
		}
		if err := logApp(ctx, tx, a.ID, c.State, c.Reason, by, now); err != nil {
			return err
		}
		if err := h.tell(ctx, tx, a.ID); err != nil {
			return err
		}
		if c.State != AppAccepted {
			return nil
		}
		others, err := db.Collect[int64](tx.QueryContext(ctx, `SELECT id FROM job_applications WHERE learner_id = $1 AND id <> $2
			AND state IN ('new', 'processing', 'postponed', 'prior_to_hire') ORDER BY id`, a.LearnerID, a.ID))(func(row db.Scanner) (int64, error) {
			var id int64
			return id, row.Scan(&id)
		})
		if err != nil {
			return err
		}
		for _, id := range others {
			if _, err := tx.ExecContext(ctx, "UPDATE job_applications SET state = 'obsolete', changed_at = $1 WHERE id = $2", now, id); err != nil {
				return err
			}
			if err := logApp(ctx, tx, id, AppObsolete, "", Actor{}, now); err != nil {
				return err
			}
			if err := h.tell(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.State, a.Reason, a.ReasonShared, a.StartsOn = c.State, c.Reason, c.ReasonShared, c.StartsOn
	if c.State == AppAccepted && h.OnHire != nil {
		return h.OnHire(ctx, a.LearnerID, Situation(a.Contract, a.ContractMonths), a.Company+" — "+a.OfferTitle, c.StartsOn)
	}
	return nil
}

// HiresToFollowUps records the person's accepted hires at their follow-ups,
// through OnHire: called when their exit is recorded, for a hire accepted
// while they were still in training (whose follow-ups did not exist yet). The
// latest hire goes first, so each follow-up gets the job held on its day; a
// follow-up an adviser recorded is left as it is.
func (h *Handlers) HiresToFollowUps(ctx context.Context, learnerID int64) error {
	if h.OnHire == nil {
		return nil
	}
	type hire struct {
		starts                   time.Time
		contract, company, title string
		months                   int
	}
	list, err := db.Collect[hire](h.DB.QueryContext(ctx, `SELECT a.starts_on, o.contract_type, o.contract_months, d.org_name, o.title
		FROM job_applications a JOIN job_offers o ON o.id = a.offer_id JOIN donors d ON d.id = o.donor_id
		WHERE a.learner_id = $1 AND a.state = 'accepted' AND a.starts_on <> '' ORDER BY a.starts_on DESC, a.id DESC`, learnerID))(
		func(row db.Scanner) (hire, error) {
			var x hire
			var starts string
			err := row.Scan(&starts, &x.contract, &x.months, &x.company, &x.title)
			x.starts, _ = time.Parse(time.DateOnly, starts)
			return x, err
		})
	if err != nil {
		return err
	}
	for _, x := range list {
		if err := h.OnHire(ctx, learnerID, Situation(x.contract, x.months), x.company+" — "+x.title, x.starts); err != nil {
			return err
		}
	}
	return nil
}

// Situation is the follow-up situation (learners.FollowUpSituations) a hire
// of contract type gives, months being a fixed-term contract's length (0 when
// the offer does not say): what the dashboards count as a positive exit. A
// fixed-term contract of six months or more is a "CDD ≥ 6 months"; one whose
// length is not known counts as short.
func Situation(contract string, months int) string {
	switch contract {
	case "CDI", "DIN":
		return "cdi"
	case "MIS", "TTI":
		return "temp"
	case "FRA", "LIB", "REP":
		return "business"
	}
	if months >= LongContractMonths {
		return "cdd_long"
	}
	return "cdd_short"
}

// LongContractMonths is the length from which a fixed-term contract is a
// lasting job in the insertion reports (DOMAIN: CDD ≥ 6 months).
const LongContractMonths = 6

// FixedTerm are the contract types whose offer says their length in months.
var FixedTerm = []string{"CDD", "DDI", "SAI"}

func logApp(ctx context.Context, tx *sql.Tx, id int64, state, reason string, by Actor, at string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO job_application_events (application_id, state, reason, staff_id, recruiter_id, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, state, reason, db.NullID(by.StaffID), db.NullID(by.RecruiterID), at)
	if err != nil {
		return err
	}
	return keepFacts(ctx, tx, id)
}

// factsSQL sets on applications what happened to them, from their logs:
// the company's first answer (the first change of state a recruiter or
// staff recorded: the daily closing's refusals are not answers), the first
// time taken to the stage before hire, the hire, the refusal, and, once, the
// course the person had followed last (their latest cohort with a seat) and
// their antenna.
// The figures read these columns (activityCols); migration 0099 filled them.
const factsSQL = `UPDATE job_applications SET
	answered_at = COALESCE((SELECT MIN(e.at) FROM job_application_events e WHERE e.application_id = job_applications.id
		AND e.state <> 'new' AND (e.recruiter_id IS NOT NULL OR e.staff_id IS NOT NULL)), ''),
	interview_at = COALESCE((SELECT MIN(e.at) FROM job_application_events e WHERE e.application_id = job_applications.id
		AND e.state = 'prior_to_hire'), ''),
	hired_at = COALESCE((SELECT MAX(e.at) FROM job_application_events e WHERE e.application_id = job_applications.id
		AND e.state = 'accepted'), ''),
	refused_at = COALESCE((SELECT MAX(e.at) FROM job_application_events e WHERE e.application_id = job_applications.id
		AND e.state = 'refused'), ''),
	programme_id = COALESCE(programme_id, (SELECT c.programme_id FROM enrolments en JOIN cohorts c ON c.id = en.cohort_id
		WHERE en.learner_id = job_applications.learner_id AND en.state = 'enrolled' ORDER BY c.starts_on DESC, c.id DESC LIMIT 1)),
	antenna_id = COALESCE(antenna_id, (SELECT l.antenna_id FROM learners l WHERE l.id = job_applications.learner_id))`

// keepFacts sets application id's facts after a change of its log.
func keepFacts(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, factsSQL+" WHERE id = $1", id)
	return err
}

// KeepAllFacts sets every application's facts from the logs: after a bulk
// load that wrote the logs itself (the dataset generator).
func KeepAllFacts(ctx context.Context, d *db.DB) error {
	_, err := d.Exec(ctx, factsSQL)
	return err
}

// AppEvent is one line of an application's log.
type AppEvent struct {
	State, Reason string
	Who           string // "" for the daily closing or a hire elsewhere
	ByPerson      bool   // the person's own request, from an offer's link
	At            time.Time
}

// AppEvents lists an application's log, the latest first.
func AppEvents(ctx context.Context, d *db.DB, id int64) ([]*AppEvent, error) {
	return db.Collect[*AppEvent](d.QueryContext(ctx, `SELECT e.state, e.reason, COALESCE(s.name, c.name, ''), e.by_person, e.at
		FROM job_application_events e LEFT JOIN staff s ON s.id = e.staff_id
		LEFT JOIN recruiters r ON r.id = e.recruiter_id LEFT JOIN donor_contacts c ON c.id = r.contact_id
		WHERE e.application_id = $1 ORDER BY e.id DESC`, id))(func(row db.Scanner) (*AppEvent, error) {
		e := &AppEvent{}
		var at string
		err := row.Scan(&e.State, &e.Reason, &e.Who, &e.ByPerson, &at)
		e.At = db.ParseTime(at)
		return e, err
	})
}

// tell queues, within tx, the news of application id's present state to the
// person (SMS, else email; not when they turned messages off) and to the
// adviser who proposed them — or, for the person's own request, who sent them
// the offer's link — (email), each in their language. A refusal's
// reason reaches the person only when the company shared it.
func (h *Handlers) tell(ctx context.Context, tx *sql.Tx, id int64) error {
	return h.tellClosed(ctx, tx, id, 0)
}

// tellClosed tells of a change, days being, for an application the daily
// closing refused, how many days the company had to answer.
func (h *Handlers) tellClosed(ctx context.Context, tx *sql.Tx, id int64, days int) error {
	if h.Outbox == nil {
		return nil
	}
	var (
		antenna, learner                          int64
		first, last, phone, email, lang, off      string
		title, company, state, reason, staffEmail string
		staffLang, staffName, source              string
		shared, automatic                         bool
	)
	err := tx.QueryRowContext(ctx, `SELECT l.antenna_id, l.id, l.first_name, l.last_name, l.phone, l.email, l.lang, l.messages_off_at,
		o.title, d.org_name, a.state, a.reason, a.reason_shared, a.automatic, COALESCE(s.email, ''), COALESCE(s.lang, 'fr'), COALESCE(s.name, ''),
		a.source
		FROM job_applications a JOIN job_offers o ON o.id = a.offer_id JOIN donors d ON d.id = o.donor_id
		JOIN learners l ON l.id = a.learner_id
		LEFT JOIN reply_links rl ON a.proposed_by IS NULL AND rl.ref_kind = 'job_offer' AND rl.ref_id = a.offer_id AND rl.learner_id = a.learner_id
		LEFT JOIN staff s ON s.id = COALESCE(a.proposed_by, rl.sent_by) WHERE a.id = $1`, id).Scan(
		&antenna, &learner, &first, &last, &phone, &email, &lang, &off, &title, &company, &state, &reason, &shared, &automatic,
		&staffEmail, &staffLang, &staffName, &source)
	if err != nil {
		return err
	}
	// Closed for want of an answer: the person and the adviser are told the
	// company did not answer in the period in force, not that it refused.
	unanswered := automatic && state == AppRefused && days > 0
	var out []messages.Message
	dedupe := "job_application:" + strconv.FormatInt(id, 10) + ":" + state
	if off == "" {
		pr := i18n.For(lang)
		body := pr.T("jobs.app.sms."+state, "name", first, "job", title, "company", company)
		if state == AppNew && source == SourcePerson {
			body = pr.T("jobs.sent.sms_applied", "name", first, "job", title, "company", company)
		}
		if unanswered {
			body = pr.T("jobs.app.sms.unanswered", "name", first, "job", title, "company", company, "days", days)
		}
		if state == AppRefused && shared {
			body += " " + pr.T("jobs.app.sms.reason", "reason", pr.T("jobs.reason."+reason))
		}
		base := messages.Message{Antenna: antenna, Learner: learner, Kind: "job_application", Lang: pr.Lang, Body: body,
			ToName: strings.TrimSpace(first + " " + last), RefKind: "job_application", RefID: id}
		if phone != "" {
			m := base
			m.Channel, m.To, m.Dedupe = messages.SMS, phone, dedupe+":sms"
			out = append(out, m)
		} else if email != "" {
			m := base
			m.Channel, m.To, m.Subject, m.Dedupe = messages.Email, email, pr.T("jobs.app.subject", "job", title), dedupe+":email"
			out = append(out, m)
		}
	}
	if staffEmail != "" {
		pr := i18n.For(staffLang)
		body := pr.T("jobs.app.adviser", "person", strings.TrimSpace(first+" "+last), "job", title, "company", company,
			"state", pr.T("jobs.app.state."+state))
		if state == AppNew && source == SourcePerson {
			body = pr.T("jobs.sent.adviser.applied", "person", strings.TrimSpace(first+" "+last), "job", title, "company", company)
		}
		if unanswered {
			body = pr.T("jobs.app.adviser_unanswered", "person", strings.TrimSpace(first+" "+last), "job", title, "company", company,
				"days", days)
		} else if reason != "" {
			body += " " + pr.T("jobs.app.sms.reason", "reason", pr.T("jobs.reason."+reason))
		}
		out = append(out, messages.Message{Antenna: antenna, Channel: messages.Email, Kind: "job_application", Lang: pr.Lang,
			To: staffEmail, ToName: staffName, Subject: pr.T("jobs.app.subject", "job", title), Body: body,
			Link: h.BaseURL + "/learners/" + strconv.FormatInt(learner, 10), RefKind: "job_application", RefID: id,
			Dedupe: dedupe + ":adviser"})
	}
	_, err = h.Outbox.Add(ctx, tx, out...)
	return err
}

// AnswerDays is the number of days a company has to answer an application on
// day (job_application_delays, the period in force).
func AnswerDays(ctx context.Context, q db.Execer, day time.Time) (int, error) {
	var days int
	err := q.QueryRowContext(ctx, "SELECT days FROM job_application_delays WHERE valid_from <= $1 ORDER BY valid_from DESC LIMIT 1",
		day.Format(time.DateOnly)).Scan(&days)
	return days, err
}

// CloseStale refuses, as of now, the applications whose state has not
// changed for longer than the period in force: reason "other", marked
// automatic (the log shows no one), the reason not shared — the person is
// told the company did not answer. It returns how many it closed.
func (h *Handlers) CloseStale(ctx context.Context, now time.Time) (int, error) {
	days, err := AnswerDays(ctx, h.DB, now)
	if err != nil {
		return 0, err
	}
	cut := db.FormatTime(now.AddDate(0, 0, -days))
	ids, err := db.Collect[int64](h.DB.QueryContext(ctx, `SELECT id FROM job_applications
		WHERE state IN ('new', 'processing', 'postponed', 'prior_to_hire') AND changed_at < $1 ORDER BY id`, cut))(func(row db.Scanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	})
	if err != nil {
		return 0, err
	}
	closed := 0
	for _, id := range ids {
		err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
			at := db.FormatTime(now)
			res, err := tx.ExecContext(ctx, `UPDATE job_applications SET state = 'refused', reason = 'other', reason_shared = FALSE,
				automatic = TRUE, changed_at = $1 WHERE id = $2 AND changed_at < $3
				AND state IN ('new', 'processing', 'postponed', 'prior_to_hire')`, at, id, cut)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			closed++
			if err := logApp(ctx, tx, id, AppRefused, "other", Actor{}, at); err != nil {
				return err
			}
			return h.tellClosed(ctx, tx, id, days)
		})
		if err != nil {
			return closed, err
		}
	}
	return closed, nil
}

// closeArgs is the daily closing's job.
type closeArgs struct{}

func (closeArgs) Kind() string { return "job_applications_close" }

// Closer is the worker of the daily closing of unanswered applications.
type Closer struct {
	river.WorkerDefaults[closeArgs]
	H *Handlers
}

// Work closes the stale applications.
func (c *Closer) Work(ctx context.Context, _ *river.Job[closeArgs]) error {
	_, err := c.H.CloseStale(ctx, c.H.now())
	return err
}

// ClosePeriodic is the closing's schedule, for the queue: daily, and at start.
func ClosePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return closeArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "job_applications_close"})
}

// reasonOptions are the refusal reasons for a form's select.
func reasonOptions() []web.Option { return web.CodeOptions("jobs.reason.", Reasons, "form.choose") }
