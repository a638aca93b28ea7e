package volunteers

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/ical"
	"tremplin/internal/platform/web"
)

// FeedToken returns the secret of the volunteer's calendar feed, made when create
// is set and there is none (db.ErrNotFound otherwise).
func FeedToken(ctx context.Context, d *db.DB, volunteerID int64, create bool) (string, error) {
	var tok string
	err := d.QueryRowContext(ctx, "SELECT token FROM volunteer_feeds WHERE volunteer_id = $1", volunteerID).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		if !create {
			return "", db.ErrNotFound
		}
		if _, err := d.Exec(ctx, "INSERT INTO volunteer_feeds (volunteer_id, token, created_at) VALUES ($1, $2, $3) ON CONFLICT (volunteer_id) DO NOTHING",
			volunteerID, rand.Text(), db.Now()); err != nil {
			return "", err
		}
		return FeedToken(ctx, d, volunteerID, false)
	}
	return tok, err
}

// feedURL is the address of the volunteer's feed.
func (h *Handlers) feedURL(ctx context.Context, volunteerID int64) (string, error) {
	tok, err := FeedToken(ctx, h.DB, volunteerID, true)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/volunteer/calendar/%d/shifts.ics?token=%s", h.BaseURL, volunteerID, url.QueryEscape(tok)), nil
}

// Feed is the volunteer's calendar: their fixed and window shifts of the last
// two months and ahead, those called off marked cancelled. Without the secret,
// or once they are no longer active, it does not exist:
// GET /volunteer/calendar/{id}/shifts.ics?token=….
func (h *Handlers) Feed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	want, err := FeedToken(ctx, h.DB, id, false)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.Render.Fail(w, r, err)
		return
	}
	given := r.URL.Query().Get("token")
	if given == "" || want == "" || subtle.ConstantTimeCompare([]byte(given), []byte(want)) != 1 {
		h.Render.NotFound(w, r)
		return
	}
	v, err := Get(ctx, h.DB, id)
	if err == nil && v.State != "active" {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	since := h.now().AddDate(0, -2, 0)
	var events []ical.Event
	host := "tremplin"
	if u, err := url.Parse(h.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	pr := i18n.For(v.Lang)
	err = db.Each(h.DB.QueryContext(ctx, "SELECT "+shiftColumns+", g.state, s.updated_at"+shiftFrom+`
		JOIN volunteer_signups g ON g.shift_id = s.id AND g.volunteer_id = $1
		WHERE s.kind <> 'ongoing' AND s.starts_at > $2 AND g.state IN ('coming', 'cancelled', 'no_show', 'not_happened')
		ORDER BY s.starts_at LIMIT 1000`, id, db.FormatTime(since)))(func(row db.Scanner) error {
		var state, updated string
		s, err := scanShiftWith(row, &state, &updated)
		if err != nil {
			return err
		}
		summary := s.Title
		if s.Kind == Window {
			summary = pr.T("volunteers.feed_window", "mission", s.Title)
		}
		events = append(events, ical.Event{UID: fmt.Sprintf("volunteer-shift-%d-%d@%s", s.ID, id, host), Start: s.StartsAt, End: s.EndsAt,
			Stamp: db.ParseTime(updated), Summary: summary, Location: s.PlaceName,
			Cancelled: state == Cancelled || s.State == "cancelled"})
		return nil
	})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("Content-Disposition", fmt.Sprintf(`inline; filename="volunteer-%d.ics"`, id))
	hd.Set("Cache-Control", "private, max-age=300")
	w.Write([]byte(ical.Calendar("-//Tremplin//Volunteers//FR", pr.T("volunteers.feed_name", "name", v.FirstName), events)))
}
