package agenda

// A staff member's calendar feed: the meetings they teach and their appointments,
// behind the secret in its address (calendar apps cannot sign in). It lives here
// rather than in training so that one package says what a staff member's calendar
// holds, on the page and in the feed alike; training gives the meetings and the
// secret. A phone's calendar is no safe place: an appointment shows the kind, the
// person's first name and where, nothing else of their file.

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/ical"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// feedPast is how long an appointment stays in the feed after it: calendars keep
// what they already have, and the feed does not grow without end.
const feedPast = 62 * 24 * time.Hour

// feedAhead bounds the appointments of the feed ahead (booking stops at a year).
const feedAhead = 2 * 366 * 24 * time.Hour

func sameToken(given, want string) bool {
	return given != "" && want != "" && subtle.ConstantTimeCompare([]byte(given), []byte(want)) == 1
}

// host names this site in the events' UIDs, as training's cohort feeds do.
func (h *Handlers) host() string {
	if u, err := url.Parse(h.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "tremplin"
}

// Feed is a staff member's calendar: every meeting they teach and their
// appointments of the last two months and ahead, cancelled ones marked so that
// calendars remove them. Without the secret, or once the account is closed, the
// feed does not exist. GET /advisers/{id}/calendar.ics?token=….
func (h *Handlers) Feed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	want, err := training.AdviserFeedToken(ctx, h.DB, id, false)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.Render.Fail(w, r, err)
		return
	}
	if !sameToken(r.URL.Query().Get("token"), want) {
		h.Render.NotFound(w, r)
		return
	}
	st, err := auth.ByID(ctx, h.DB, id)
	if err == nil && !st.Active {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	meets, err := training.AdviserEvents(ctx, h.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	now := h.now()
	args := db.Args{st.ID}
	appts, err := appointments(ctx, h.DB, nil, now.Add(-feedPast), now.Add(feedAhead),
		"a.staff_id = $1 AND "+st.Scope().Where("a.antenna_id", &args), args)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	host := h.host()
	pr := i18n.For(st.Lang)
	events := make([]ical.Event, 0, len(meets)+len(appts))
	for _, m := range meets {
		events = append(events, m.ICal(host))
	}
	for _, a := range appts {
		where := a.Place + ", " + a.Address
		if a.Mode != "place" {
			where = pr.T("appointment.mode." + a.Mode)
		}
		events = append(events, ical.Event{UID: fmt.Sprintf("appointment-%d@%s", a.ID, host), Start: a.Start, End: a.End,
			Stamp: a.Updated, Summary: pr.T("agenda.feed_summary", "kind", pr.T("appointment.kind."+a.Kind), "name", a.FirstName),
			Location: where, Cancelled: a.Cancelled()})
	}
	body := ical.Calendar("-//Tremplin//Agenda//FR", "Tremplin – "+st.Name, events)
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("Content-Disposition", fmt.Sprintf(`inline; filename="adviser-%d.ics"`, id))
	hd.Set("Cache-Control", "private, max-age=300")
	w.Write([]byte(body))
}

// FeedRenew gives the staff member a new feed secret and shows the page again
// with the new address: every address with the old one (their feed, the
// cohorts' feeds they subscribed to) stops working at once. POST /agenda/feed.
func (h *Handlers) FeedRenew(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	st := auth.Current(ctx)
	if _, err := training.RenewAdviserFeedToken(ctx, h.DB, st.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "calendar feed renewed", "staff_id", st.ID)
	h.Flash(r, "agenda.feed_renewed")
	back := "/agenda"
	if f.Get("back") == "/meetings" {
		back = "/meetings"
	}
	http.Redirect(w, r, back+"#feed", http.StatusSeeOther)
}
