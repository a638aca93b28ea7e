package privacy

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// Audit actions: what a route does to the people's data.
const (
	LearnerRead     = "read_file"
	LearnerChange   = "change_file"
	PositioningRead = "read_positioning"
	ReferralRead    = "read_referral"
	ReferralChange  = "change_referral"
	Export          = "export"
	Erasure         = "erase_file"
	// PersonExport is everything held about a person, exported for them
	// (their right of access): JSON, page or PDF.
	PersonExport = "export_person"
	// ProfileRead is a recruiter's read of a proposed person's profile or CV
	// in the company space.
	ProfileRead = "read_profile"
)

// Actions lists the audit's actions, in the order the search offers them.
var Actions = []string{ProfileRead, LearnerRead, PositioningRead, LearnerChange, Erasure, ReferralRead, ReferralChange, Export, PersonExport}

// Audited wraps a route's handler so that each request it answers without
// an error (a page shown, a change made, a file sent) leaves an audit event:
// who, when, which action, which learner (the route's {id} when the route is
// a learner's), the route and the path with its query (which list, which
// filters). It runs inside the route's access check: a refused request
// leaves nothing. An event that cannot be written is logged; the page is
// already answered.
func (h *Handlers) Audited(action, route string, h2 http.Handler) http.Handler {
	learner := strings.Contains(route, " /learners/{id}")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &web.StatusWriter{ResponseWriter: w}
		h2.ServeHTTP(rec, r)
		if rec.Status >= 400 {
			return
		}
		var staff, contact any
		if st := auth.Current(r.Context()); st != nil {
			staff = st.ID
		} else if h.PartnerContact != nil {
			if id := h.PartnerContact(r); id != 0 {
				contact = id
			}
		}
		if staff == nil && contact == nil {
			return
		}
		var learnerID any
		if learner {
			if id := web.PathID(r, "id"); id != 0 {
				learnerID = id
			}
		}
		path := r.URL.Path
		if r.URL.RawQuery != "" {
			path += "?" + r.URL.RawQuery
		}
		// Written even if the client went away: what was read was sent.
		ctx := context.WithoutCancel(r.Context())
		if _, err := h.DB.ExecContext(ctx, `INSERT INTO audit_events (at, staff_id, partner_contact_id, action, learner_id, route, path,
			request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, db.FormatTime(time.Now()), staff, contact, action, learnerID, route, path,
			web.RequestID(r.Context())); err != nil {
			h.Log.ErrorContext(ctx, "audit event not written", "action", action, "path", path, "err", err)
		}
	})
}

// RecruiterRead records a recruiter's read of learnerID's profile in the
// company space (the jobs package calls it once the page is answered).
func (h *Handlers) RecruiterRead(r *http.Request, recruiterID, learnerID int64) {
	path := r.URL.Path
	ctx := context.WithoutCancel(r.Context())
	if _, err := h.DB.ExecContext(ctx, `INSERT INTO audit_events (at, recruiter_id, action, learner_id, route, path, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, db.FormatTime(time.Now()), recruiterID, ProfileRead, learnerID, r.Pattern, path,
		web.RequestID(r.Context())); err != nil {
		h.Log.ErrorContext(ctx, "audit event not written", "action", ProfileRead, "path", path, "err", err)
	}
}

// Event is one line of the audit.
type Event struct {
	At        time.Time
	StaffName string
	// Partner names the partner's contact and organisation, for a read in
	// the partner space, or the recruiter and company in the company space
	// ("" for staff).
	Partner   string
	StaffID   int64
	Action    string
	LearnerID int64
	Path      string
}

// AuditPerPage is the length of a page of the audit.
const AuditPerPage = 50

// Events lists the audit's events newest first, filtered by staff member,
// learner and action (0 and "" for any), one more than a page.
func Events(ctx context.Context, d *db.DB, staffID, learnerID int64, action string, offset int) ([]*Event, error) {
	args := db.Args{}
	where := "1 = 1"
	if staffID != 0 {
		where += " AND e.staff_id = " + args.Add(staffID)
	}
	if learnerID != 0 {
		where += " AND e.learner_id = " + args.Add(learnerID)
	}
	if action != "" {
		where += " AND e.action = " + args.Add(action)
	}
	return db.Collect[*Event](d.QueryContext(ctx, `SELECT e.at, COALESCE(s.name, ''), COALESCE(c.name || ' (' || o.name || ')', dc.name || ' (' || dd.org_name || ')', ''),
		COALESCE(e.staff_id, 0), e.action, COALESCE(e.learner_id, 0), e.path FROM audit_events e LEFT JOIN staff s ON s.id = e.staff_id
		LEFT JOIN partner_contacts c ON c.id = e.partner_contact_id LEFT JOIN partner_orgs o ON o.id = c.org_id
		LEFT JOIN recruiters rr ON rr.id = e.recruiter_id LEFT JOIN donor_contacts dc ON dc.id = rr.contact_id LEFT JOIN donors dd ON dd.id = rr.donor_id
		WHERE `+where+` ORDER BY e.at DESC, e.id DESC LIMIT `+args.Add(AuditPerPage+1)+` OFFSET `+args.Add(offset), args...))(
		func(row db.Scanner) (*Event, error) {
			e := &Event{}
			var at string
			err := row.Scan(&at, &e.StaffName, &e.Partner, &e.StaffID, &e.Action, &e.LearnerID, &e.Path)
			e.At = db.ParseTime(at).In(web.Paris)
			return e, err
		})
}

// AuditPage searches the audit: GET /privacy/audit?staff=&learner=&action=
// (national admins).
func (h *Handlers) AuditPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	staffID, _ := strconv.ParseInt(q.Get("staff"), 10, 64)
	learnerID, _ := strconv.ParseInt(q.Get("learner"), 10, 64)
	action := q.Get("action")
	known := false
	for _, a := range Actions {
		known = known || a == action
	}
	if !known {
		action = ""
	}
	page, offset := web.PageOf(r, AuditPerPage)
	events, err := Events(r.Context(), h.DB, staffID, learnerID, action, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	more := len(events) > AuditPerPage
	if more {
		events = events[:AuditPerPage]
	}
	staff, err := auth.List(r.Context(), h.DB, auth.Scope{All: true})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	staffOptions := []web.Option{{Value: "", Label: "privacy.audit.anyone"}}
	for _, s := range staff {
		staffOptions = append(staffOptions, web.Option{Value: strconv.FormatInt(s.ID, 10), Label: s.Name, Raw: true})
	}
	h.Render.Render(w, r, http.StatusOK, "privacy/audit.html", struct {
		Events                     []*Event
		Staff                      []web.Option
		Actions                    []web.Option
		Pager                      web.Pager
		StaffID, LearnerID, Action string
	}{events, staffOptions, web.CodeOptions("privacy.action.", Actions, "privacy.audit.any_action"), web.NewPager(r, page, more),
		q.Get("staff"), q.Get("learner"), action}, nil)
}

type purgeArgs struct{}

func (purgeArgs) Kind() string { return "audit_purge" }

// Purger is the daily job that removes the audit's events older than their
// period (retention_periods, audit_events: a year), then runs the retention of
// the learners' files.
type Purger struct {
	river.WorkerDefaults[purgeArgs]
	DB        *db.DB
	Retention *Retention
	Now       func() time.Time
}

// Work removes the events kept long enough and applies the files' retention.
func (p *Purger) Work(ctx context.Context, _ *river.Job[purgeArgs]) error {
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	n, err := PurgeAudit(ctx, p.DB, now)
	if err != nil {
		return err
	}
	if p.Retention != nil && p.Retention.Log != nil {
		p.Retention.Log.InfoContext(ctx, "audit purged", "events", n)
	}
	if p.Retention == nil {
		return nil
	}
	_, err = p.Retention.Run(ctx, now)
	return err
}

// AuditBefore is the moment before which the audit's events are removed.
func AuditBefore(ctx context.Context, q db.Execer, now time.Time) (time.Time, error) {
	months, err := Period(ctx, q, AuditEvents, now)
	return now.AddDate(0, -months, 0), err
}

// PurgeAudit removes the audit's events past their period as of now.
func PurgeAudit(ctx context.Context, d *db.DB, now time.Time) (int64, error) {
	before, err := AuditBefore(ctx, d, now)
	if err != nil {
		return 0, err
	}
	return Purge(ctx, d, before)
}

// Purge removes the audit's events before a moment and says how many.
func Purge(ctx context.Context, d *db.DB, before time.Time) (int64, error) {
	res, err := d.ExecContext(ctx, "DELETE FROM audit_events WHERE at < $1", db.FormatTime(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// PurgePeriodic is the purge's schedule, for the queue: daily, and at start.
func PurgePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return purgeArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "audit_purge"})
}
