// Package agenda is the advisers' and managers' calendar: a staff member's week or
// day (their appointments with people and the meetings they teach), a place's
// week (what happens in its rooms), and an antenna's week for its managers
// (everyone's, by adviser), with public holidays and closures, and the free time
// between items so that an adviser sees where an interview fits. It also serves a
// staff member's iCalendar feed, the same items for a phone's calendar. It reads
// the appointments and meetings tables (as impact reads across packages) and
// writes nothing of its own.
package agenda

import (
	"cmp"
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/openinghours"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("agenda", templates, funcs) }

func funcs(p i18n.Printer) template.FuncMap {
	return template.FuncMap{
		// agendalength says a length of time: "2 h 15", "45 min".
		"agendalength": func(minutes int) string {
			h, m := minutes/60, minutes%60
			switch {
			case h == 0:
				return p.T("agenda.length_m", "m", m)
			case m == 0:
				return p.T("agenda.length_h", "h", h)
			}
			return p.T("agenda.length_hm", "h", h, "m", fmt.Sprintf("%02d", m))
		},
	}
}

// Handlers serve the agendas and the staff member's calendar feed.
type Handlers struct {
	web.Deps
	BaseURL string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// pageData is what the agenda page shows.
type pageData struct {
	View    string // mine, place, antenna
	Name    string // the place's or the antenna's
	Path    string // the page's path, for the period links
	Period  Period
	Days    []*Day
	Hours   []string // the hours free time is counted in, in words
	Zone    string   // the time zone of the times shown
	Split   bool     // days are divided by adviser (an antenna's week)
	Places  []*org.Place
	Managed []*org.Antenna
	FeedURL string
}

// period reads the period asked for, in loc; a day or week that does not exist
// is the 400 page.
func (h *Handlers) period(w http.ResponseWriter, r *http.Request, loc *time.Location) (Period, bool) {
	per, ok := parsePeriod(r.URL.Query(), midnight(h.now().In(loc)))
	if !ok {
		h.Render.Error(w, r, http.StatusBadRequest)
	}
	return per, ok
}

// closedDays gathers the public holidays and closures of the antennas during per.
func (h *Handlers) closedDays(ctx context.Context, antennas []*org.Antenna, per Period) (map[string]calendar.ClosedDay, error) {
	utc := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	out := map[string]calendar.ClosedDay{}
	for _, a := range antennas {
		days, err := calendar.ClosedDays(ctx, h.DB, a.ID, a.Country, utc(per.Start), utc(per.Last()))
		if err != nil {
			return nil, err
		}
		for k, d := range days {
			if _, ok := out[k]; !ok {
				out[k] = d
			}
		}
	}
	return out, nil
}

func (h *Handlers) render(w http.ResponseWriter, r *http.Request, data *pageData, hours openinghours.Week) {
	data.Path = r.URL.Path
	data.Hours = org.HoursInWords(i18n.FromContext(r.Context()), hours.String())
	h.Render.Render(w, r, http.StatusOK, "agenda/week.html", data, nil)
}

func byID(a, b *org.Antenna) int { return cmp.Compare(a.ID, b.ID) }

// homeAntennas are the antennas st belongs to, among antennas, by id.
func homeAntennas(st *auth.Staff, antennas []*org.Antenna) []*org.Antenna {
	var home []*org.Antenna
	for _, a := range antennas {
		if slices.Contains(st.Antennas, a.ID) {
			home = append(home, a)
		}
	}
	slices.SortStableFunc(home, byID)
	return home
}

// zone is the time zone of a staff member's agenda: their first antenna's (by
// id, as for the home page's count), or for a national admin of none the first
// antenna's.
func zone(home, antennas []*org.Antenna) *time.Location {
	switch {
	case len(home) > 0:
		return training.Location(home[0].Timezone)
	case len(antennas) > 0:
		return training.Location(slices.MinFunc(antennas, byID).Timezone)
	}
	return time.UTC
}

// Mine is the signed-in staff member's week, or day: their appointments and the
// meetings they teach, in their antennas only. GET /agenda.
func (h *Handlers) Mine(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	antennas, err := org.Antennas(ctx, h.DB, st.Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	home := homeAntennas(st, antennas)
	loc := zone(home, antennas)
	per, ok := h.period(w, r, loc)
	if !ok {
		return
	}
	data := &pageData{View: "mine", Period: per, Zone: loc.String()}
	args := db.Args{st.ID}
	appts, err := appointments(ctx, h.DB, loc, per.Start, per.End, "a.staff_id = $1 AND "+st.Scope().Where("a.antenna_id", &args), args)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	args = db.Args{}
	cond := teacher(st.ID, &args) + " AND " + st.Scope().Where("c.antenna_id", &args)
	meets, err := meetings(ctx, h.DB, loc, per.Start, per.End, cond, args)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	closed, err := h.closedDays(ctx, home, per)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data.Days = (&plan{now: h.now(), hours: workingHours, closed: closed}).days(per, appts, meets)
	// The weeks of the places and antennas the person works in.
	for _, a := range home {
		places, err := org.Places(ctx, h.DB, st.Scope(), a.ID)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		data.Places = append(data.Places, places...)
		if st.ManagesAntenna(a.ID) {
			data.Managed = append(data.Managed, a)
		}
	}
	token, err := training.AdviserFeedToken(ctx, h.DB, st.ID, true)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data.FeedURL = fmt.Sprintf("%s/advisers/%d/calendar.ics?token=%s", h.BaseURL, st.ID, token)
	h.render(w, r, data, workingHours)
}

// Place is a place's week: the meetings held there and the appointments at it,
// for the staff of its antenna (another antenna's place is the 404 page).
// GET /agenda/places/{id}.
func (h *Handlers) Place(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	pl, err := org.PlaceByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	a, err := org.AntennaByID(ctx, h.DB, auth.Scope{All: true}, pl.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	loc := training.Location(a.Timezone)
	per, ok := h.period(w, r, loc)
	if !ok {
		return
	}
	appts, err := appointments(ctx, h.DB, loc, per.Start, per.End, "a.place_id = $1 AND a.mode = 'place'", db.Args{pl.ID})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	meets, err := meetings(ctx, h.DB, loc, per.Start, per.End, "pl.id = $1", db.Args{pl.ID})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	closed, err := h.closedDays(ctx, []*org.Antenna{a}, per)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	hours, ok := openinghours.ParseWeek(pl.OpeningHours)
	if !ok || !hours.Open() {
		hours = workingHours
	}
	data := &pageData{View: "place", Name: pl.Name, Period: per, Zone: loc.String()}
	data.Days = (&plan{now: h.now(), hours: hours, closed: closed}).days(per, appts, meets)
	h.render(w, r, data, hours)
}

// Antenna is an antenna's week for its managers and the national admins:
// everything of everyone, by day then by member of staff (another antenna is the
// 404 page). GET /agenda/antenna/{id}.
func (h *Handlers) Antenna(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	id := web.PathID(r, "id")
	a, err := org.AntennaByID(ctx, h.DB, st.Scope(), id)
	if err == nil && !st.ManagesAntenna(id) {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	loc := training.Location(a.Timezone)
	per, ok := h.period(w, r, loc)
	if !ok {
		return
	}
	appts, err := appointments(ctx, h.DB, loc, per.Start, per.End, "a.antenna_id = $1", db.Args{a.ID})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	meets, err := meetings(ctx, h.DB, loc, per.Start, per.End, "c.antenna_id = $1", db.Args{a.ID})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	closed, err := h.closedDays(ctx, []*org.Antenna{a}, per)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	staff, err := team(ctx, h.DB, a.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data := &pageData{View: "antenna", Name: a.Name, Period: per, Zone: loc.String(), Split: true}
	data.Days = (&plan{now: h.now(), hours: workingHours, closed: closed, split: true, team: staff}).days(per, appts, meets)
	h.render(w, r, data, workingHours)
}
