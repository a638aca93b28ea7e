package privacy

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"tremplin/internal/civic"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
	"tremplin/internal/registration"
	"tremplin/internal/volunteers"
)

// Listed is a learner's file about to be anonymised, as the notice list shows it.
type Listed struct {
	ID                int64
	Name, Antenna     string
	LastActivity, Due time.Time
	Told              bool
}

// NoticesPerPage is the length of a page of the notice list.
const NoticesPerPage = 50

// Notices lists the files of the viewer's antennas that will be anonymised,
// soonest first, one more than a page: listed by the purge and without
// activity since.
func Notices(ctx context.Context, d *db.DB, sc auth.Scope, offset int) ([]*Listed, error) {
	args := db.Args{}
	where := sc.Where("l.antenna_id", &args)
	return db.Collect[*Listed](d.QueryContext(ctx, `SELECT l.id, l.first_name || ' ' || l.last_name, a.name, `+lastActivity+`, l.retention_due_on,
		l.retention_told_at FROM learners l JOIN antennas a ON a.id = l.antenna_id
		WHERE l.retention_due_on <> '' AND l.anonymised_at = '' AND `+stillListed+` AND `+where+`
		ORDER BY l.retention_due_on, l.id LIMIT `+args.Add(NoticesPerPage+1)+` OFFSET `+args.Add(offset), args...))(
		func(row db.Scanner) (*Listed, error) {
			f := &Listed{}
			var last, due, told string
			err := row.Scan(&f.ID, &f.Name, &f.Antenna, &last, &due, &told)
			f.LastActivity = db.ParseTime(last).In(web.Paris)
			f.Due, _ = time.Parse(time.DateOnly, due)
			f.Told = told != ""
			return f, err
		})
}

// NoticesPage lists the files about to be anonymised in the viewer's
// antennas: GET /privacy/notices (staff).
func (h *Handlers) NoticesPage(w http.ResponseWriter, r *http.Request) {
	page, offset := web.PageOf(r, NoticesPerPage)
	files, err := Notices(r.Context(), h.DB, auth.Current(r.Context()).Scope(), offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	more := len(files) > NoticesPerPage
	if more {
		files = files[:NoticesPerPage]
	}
	h.Render.Render(w, r, http.StatusOK, "privacy/notices.html", struct {
		Files []*Listed
		Pager web.Pager
		Days  int
	}{files, web.NewPager(r, page, more), NoticeDays}, nil)
}

// Kept is one kind of data on the retention page: how long it is kept, by
// whom it is removed, and how many rows the next run removes.
type Kept struct {
	Key    string // privacy.kind.<key>
	Months int    // a dated period (retention_periods), 0 for a fixed one
	Fixed  string // privacy.period.<code> for a fixed one
	Count  int    // what the next run removes or anonymises
	Held   int    // files due but kept by a legal hold
	Listed int    // files the next run puts on the notice list
	Manual bool   // never removed by Tremplin: staff do, once the period is over
}

// Retained lists every kind of personal data with its period and what the
// next daily run will do, as of now.
func Retained(ctx context.Context, d *db.DB, now time.Time) ([]Kept, error) {
	period := func(kind string) int {
		m, _ := Period(ctx, d, kind, now)
		return m
	}
	var failed error
	count := func(q string, args ...any) int {
		var n int
		if err := d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil && failed == nil {
			failed = err
		}
		return n
	}
	files := period(LearnerFiles)
	att, gifts, err := holdBounds(ctx, d, now)
	if err != nil {
		return nil, err
	}
	today := now.UTC().Format(time.DateOnly)
	due := `SELECT COUNT(*) FROM learners l WHERE l.retention_due_on <> '' AND l.retention_due_on <= $3 AND l.anonymised_at = '' AND ` + stillListed
	cut := db.FormatTime(now.AddDate(0, -files, NoticeDays))
	auditBefore := db.FormatTime(now.AddDate(0, -period(AuditEvents), 0))
	unix := now.Unix()
	vol := db.FormatTime(now.Add(-volunteers.KeepVolunteers))
	out := []Kept{
		{Key: LearnerFiles, Months: files,
			Count: count(due+` AND `+notHeld(), att, gifts, today),
			Held:  count(due+` AND NOT (`+notHeld()+`)`, att, gifts, today),
			Listed: count(`SELECT COUNT(*) FROM learners l WHERE l.merged_into IS NULL AND l.anonymised_at = '' AND l.retention_due_on = ''
				AND l.created_at < $1 AND l.updated_at < $1 AND `+lastActivity+` < $1`, cut)},
		{Key: FundedAttendance, Months: period(FundedAttendance), Manual: true},
		{Key: AuditEvents, Months: period(AuditEvents), Count: count(`SELECT COUNT(*) FROM audit_events WHERE at < $1`, auditBefore)},
		{Key: "referral_logs", Fixed: "with_file"},
		{Key: "volunteers", Fixed: "two_years", Count: count(`SELECT COUNT(*) FROM volunteers WHERE
			(state = 'declined' AND COALESCE(decided_at, created_at) < $1) OR (state = 'pending' AND created_at < $1)
			OR (state = 'left' AND COALESCE(decided_at, created_at) < $1 AND email <> 'anonymised@volunteer.invalid')`, vol)},
		{Key: "civic_applications", Fixed: "two_years", Count: count(`SELECT COUNT(*) FROM civic_applications a WHERE updated_at < $1
			AND NOT EXISTS (SELECT 1 FROM civic_contracts c WHERE c.application_id = a.id)`, db.FormatTime(now.Add(-civic.KeepApplications)))},
		{Key: "held_registrations", Fixed: "thirty_days", Count: count(`SELECT COUNT(*) FROM registrations_held WHERE decided_at = '' AND created_at < $1`,
			db.FormatTime(now.AddDate(0, 0, -registration.HeldDays)))},
		{Key: TaxReceipts, Months: period(TaxReceipts), Manual: true},
		{Key: "sessions", Fixed: "session_expiry", Count: count(`SELECT COUNT(*) FROM sessions WHERE expiry <= $1`, unix)},
		{Key: "login_failures", Fixed: "one_day", Count: count(`SELECT COUNT(*) FROM login_failures WHERE at < $1`, unix-24*3600)},
		{Key: "password_resets", Fixed: "one_day_after_expiry", Count: count(`SELECT COUNT(*) FROM password_resets WHERE expires_at < $1`, unix-86400)},
		{Key: "signin_links", Fixed: "one_day_after_expiry", Count: count(`SELECT COUNT(*) FROM signin_links WHERE expires_at < $1`,
			db.FormatTime(now.Add(-24*time.Hour)))},
	}
	return out, failed
}

// RetentionPage lists every kind of personal data, its period and what the
// next daily run will remove: GET /privacy/retention (national admins).
func (h *Handlers) RetentionPage(w http.ResponseWriter, r *http.Request) {
	kinds, err := Retained(r.Context(), h.DB, h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "privacy/retention.html", struct {
		Kinds []Kept
		Days  int
	}{kinds, NoticeDays}, nil)
}

// erasable reads a learner of the viewer's antennas for erasure: their name,
// whether the file is already anonymised, and the holds that keep it.
func (h *Handlers) erasable(r *http.Request) (name string, done bool, holds []string, err error) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	args := db.Args{id}
	var anonymised string
	err = h.DB.QueryRowContext(ctx, `SELECT first_name || ' ' || last_name, anonymised_at FROM learners WHERE id = $1 AND merged_into IS NULL AND `+
		auth.Current(ctx).Scope().Where("antenna_id", &args), args...).Scan(&name, &anonymised)
	if err != nil {
		return "", false, nil, db.NotFound(err)
	}
	if anonymised != "" {
		return name, true, nil, nil
	}
	holds, err = HoldsOf(ctx, h.DB, id, h.now())
	return name, false, holds, err
}

// EraseForm says what erasing a learner's file does, or why the law keeps it:
// GET /learners/{id}/erase (managers and admins).
func (h *Handlers) EraseForm(w http.ResponseWriter, r *http.Request) {
	h.eraseForm(w, r, http.StatusOK)
}

func (h *Handlers) eraseForm(w http.ResponseWriter, r *http.Request, status int) {
	name, done, holds, err := h.erasable(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "privacy/erase.html", struct {
		ID    int64
		Name  string
		Done  bool
		Holds []string
	}{web.PathID(r, "id"), name, done, holds}, nil)
}

// Erase anonymises a learner's file at once, at the person's request, unless
// a legal hold keeps it: POST /learners/{id}/erase (managers and admins; the
// audit records it).
func (h *Handlers) Erase(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.Render.Form(w, r); !ok {
		return
	}
	_, done, holds, err := h.erasable(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if done || len(holds) > 0 {
		h.eraseForm(w, r, http.StatusUnprocessableEntity)
		return
	}
	id := web.PathID(r, "id")
	ctx := r.Context()
	if err := h.DB.Tx(ctx, func(tx *sql.Tx) error { return Anonymise(ctx, tx, []int64{id}, h.now()) }); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "learner's file erased on request", "learner_id", id, "staff_id", auth.Current(ctx).ID)
	h.Flash(r, "privacy.erase.done")
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
