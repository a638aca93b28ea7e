package training

// The iCalendar feeds of meetings: a cohort's, behind the secret of the staff
// member who subscribed in its address (calendar apps cannot sign in). An adviser's own feed, their meetings with their
// appointments, is the agenda package's; it asks this file for the meetings and
// the feed's secret.

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/ical"
	"tremplin/internal/platform/web"
)

// Event is a meeting as a calendar shows it.
type Event struct {
	MeetingID int64
	CohortID  int64
	Start     time.Time // in the antenna's zone
	End       time.Time
	Created   time.Time
	Title     string
	Antenna   string
	Place     string
	Cancelled bool
}

func events(ctx context.Context, d *db.DB, cond string, args ...any) ([]Event, error) {
	rows, err := d.QueryContext(ctx, `SELECT m.id, c.id, m.starts_at, m.ends_at, m.created_at, p.title, a.name, a.timezone,
			pl.name, pl.address, pl.postcode, pl.city, c.state, m.cancelled_at
		FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN programmes p ON p.id = c.programme_id
		JOIN antennas a ON a.id = c.antenna_id JOIN places pl ON pl.id = COALESCE(m.place_id, c.place_id)
		WHERE `+cond+` ORDER BY m.starts_at, m.id`, args...)
	return db.Collect[Event](rows, err)(func(row db.Scanner) (Event, error) {
		var e Event
		var s, en, created, tz, name, addr, pc, city, state, cancelled string
		if err := row.Scan(&e.MeetingID, &e.CohortID, &s, &en, &created, &e.Title, &e.Antenna, &tz, &name, &addr, &pc, &city, &state, &cancelled); err != nil {
			return e, err
		}
		loc := Location(tz)
		e.Start, e.End, e.Created = db.ParseTime(s).In(loc), db.ParseTime(en).In(loc), db.ParseTime(created)
		e.Place = strings.Join(slices.DeleteFunc([]string{name, addr, strings.TrimSpace(pc + " " + city)}, func(s string) bool { return s == "" }), ", ")
		// A meeting cancelled alone, or with its whole cohort, stays in the feed as
		// cancelled so that calendars remove it rather than keep a stale copy.
		e.Cancelled = state == "cancelled" || cancelled != ""
		return e, nil
	})
}

// CohortEvents lists a cohort's meetings for its calendar feed.
func CohortEvents(ctx context.Context, d *db.DB, cohortID int64) ([]Event, error) {
	return events(ctx, d, "c.id = $1", cohortID)
}

// Teaches is the condition "staff member staffID teaches meeting m (of cohort
// c)": the meeting's own adviser, or else one of its cohort's. It adds its
// argument to args.
func Teaches(staffID int64, args *db.Args) string {
	p := args.Add(staffID)
	return "(m.staff_id = " + p + " OR (m.staff_id IS NULL AND c.id IN (SELECT cohort_id FROM cohort_advisers WHERE staff_id = " + p + ")))"
}

// AdviserEvents lists the meetings a staff member teaches.
func AdviserEvents(ctx context.Context, d *db.DB, staffID int64) ([]Event, error) {
	args := db.Args{}
	cond := Teaches(staffID, &args)
	return events(ctx, d, cond, args...)
}

// AdviserFeedToken returns a staff member's feed secret; create makes one the first
// time.
func AdviserFeedToken(ctx context.Context, d *db.DB, staffID int64, create bool) (string, error) {
	var tok string
	err := d.QueryRowContext(ctx, "SELECT token FROM adviser_feeds WHERE staff_id = $1", staffID).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		if !create {
			return "", db.ErrNotFound
		}
		if _, err := d.Exec(ctx, "INSERT INTO adviser_feeds (staff_id, token, created_at) VALUES ($1, $2, $3) ON CONFLICT (staff_id) DO NOTHING",
			staffID, newToken(), db.Now()); err != nil {
			return "", err
		}
		return AdviserFeedToken(ctx, d, staffID, false)
	}
	return tok, err
}

// RenewAdviserFeedToken gives a staff member a new feed secret and returns it:
// every address made with the old one (their feed, the cohorts' feeds they
// subscribed to) stops working at once.
func RenewAdviserFeedToken(ctx context.Context, d *db.DB, staffID int64) (string, error) {
	tok := newToken()
	_, err := d.Exec(ctx, `INSERT INTO adviser_feeds (staff_id, token, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (staff_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at`, staffID, tok, db.Now())
	return tok, err
}

// --- Pages ---------------------------------------------------------------------

func sameToken(given, want string) bool {
	return given != "" && want != "" && subtle.ConstantTimeCompare([]byte(given), []byte(want)) == 1
}

func (h *Handlers) host() string {
	if u, err := url.Parse(h.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return ""
}

// ICal is the meeting as an event of a calendar feed; host makes its UID unique
// (the same in every feed that carries the meeting, so that a calendar showing two
// of them keeps one copy).
func (e Event) ICal(host string) ical.Event {
	return ical.Event{UID: fmt.Sprintf("meeting-%d@%s", e.MeetingID, host), Start: e.Start, End: e.End, Stamp: e.Created,
		Summary: e.Title + " – " + e.Antenna, Location: e.Place, Cancelled: e.Cancelled}
}

// writeCalendar sends events as the iCalendar feed name.
func (h *Handlers) writeCalendar(w http.ResponseWriter, file, name string, events []Event) {
	host := h.host()
	if host == "" {
		host = "tremplin"
	}
	out := make([]ical.Event, len(events))
	for i, e := range events {
		out[i] = e.ICal(host)
	}
	body := ical.Calendar("-//Tremplin//Training//FR", name, out)
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("Content-Disposition", `inline; filename="`+file+`"`)
	hd.Set("Cache-Control", "private, max-age=300")
	w.Write([]byte(body))
}

// CohortCalendar is a cohort's meetings as an iCalendar feed. Calendar apps cannot
// sign in, so the URL names the staff member who subscribed and carries their
// feed secret: it works while their account is active, the cohort is one of
// their antennas' and the secret is the one they have (renewing it stops the
// old addresses); otherwise the feed does not exist.
// GET /cohorts/{id}/calendar.ics?staff=…&token=….
func (h *Handlers) CohortCalendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	staffID, _ := strconv.ParseInt(r.URL.Query().Get("staff"), 10, 64)
	want, err := AdviserFeedToken(ctx, h.DB, staffID, false)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.Render.Fail(w, r, err)
		return
	}
	if !sameToken(r.URL.Query().Get("token"), want) {
		h.Render.NotFound(w, r)
		return
	}
	st, err := auth.ByID(ctx, h.DB, staffID)
	if err == nil && !st.Active {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	c, err := CohortByID(ctx, h.DB, st.Scope(), id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	events, err := CohortEvents(ctx, h.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.writeCalendar(w, fmt.Sprintf("cohort-%d.ics", id), c.ProgrammeTitle+" – "+c.AntennaName, events)
}

// cohortFeedURL is the address of the cohort's feed for staff member staffID,
// with their feed secret.
func (h *Handlers) cohortFeedURL(ctx context.Context, c *Cohort, staffID int64) (string, error) {
	tok, err := AdviserFeedToken(ctx, h.DB, staffID, true)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/cohorts/%d/calendar.ics?staff=%d&token=%s", h.BaseURL, c.ID, staffID, tok), nil
}
